import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../platform/http/principal.js';
import {
  directoryRoleOf,
  managementProblem,
  requireDirectoryRole,
  ROLE_LABEL,
  type AdminActor,
} from './authorisation.js';

/**
 * Who may do what in the directory: a wrong answer here lets a User administrator take over an
 * administrator or the connection's integration identity. (Also mutation-tested, docs/testing.md.)
 */

function principal(roles: string[], overrides: Partial<Principal> = {}): Principal {
  return { id: 'p-1', kind: 'user', name: 'pat@contoso.com', roles, via: 'session', ...overrides };
}

function request(p: Principal | null): FastifyRequest {
  return { principal: p } as FastifyRequest;
}

describe('directoryRoleOf', () => {
  it('is the directory role among the roles, whatever else they hold', () => {
    expect(directoryRoleOf(principal(['global_administrator']))).toBe('global_administrator');
    expect(directoryRoleOf(principal(['Sales.Read', 'user_administrator']))).toBe('user_administrator');
    expect(directoryRoleOf(principal(['user']))).toBe('user');
  });

  it('is user when none is held: an application or a role name that is not a directory role', () => {
    expect(directoryRoleOf(principal([], { kind: 'application' }))).toBe('user');
    expect(directoryRoleOf(principal(['Global administrator', 'admin']))).toBe('user');
    // Not an own property of the rank table: an inherited name must not count as a role.
    expect(directoryRoleOf(principal(['toString', 'constructor']))).toBe('user');
  });
});

describe('ROLE_LABEL', () => {
  it('names each directory role as the console shows it', () => {
    expect(ROLE_LABEL).toEqual({
      global_administrator: 'Global administrator',
      user_administrator: 'User administrator',
      user: 'User',
    });
  });
});

describe('requireDirectoryRole', () => {
  it('lets a caller holding the role or a higher one through, as the actor to record', () => {
    const global = request(principal(['global_administrator'], { id: 'g-1', name: 'gina@contoso.com' }));
    expect(requireDirectoryRole(global, 'global_administrator')).toEqual({
      id: 'g-1',
      name: 'gina@contoso.com',
    });
    expect(requireDirectoryRole(global, 'user_administrator')).toEqual({
      id: 'g-1',
      name: 'gina@contoso.com',
    });
    expect(requireDirectoryRole(global, 'user')).toEqual({ id: 'g-1', name: 'gina@contoso.com' });
    const userAdmin = request(principal(['user_administrator']));
    expect(requireDirectoryRole(userAdmin, 'user_administrator')).toEqual({
      id: 'p-1',
      name: 'pat@contoso.com',
    });
    expect(requireDirectoryRole(request(principal([])), 'user')).toEqual({
      id: 'p-1',
      name: 'pat@contoso.com',
    });
  });

  it('refuses a lower role with 403 naming the caller and the role needed', () => {
    expect(() =>
      requireDirectoryRole(request(principal(['user_administrator'])), 'global_administrator'),
    ).toThrow(
      expect.objectContaining({
        status: 403,
        message:
          'pat@contoso.com is not a Global administrator. Ask a Global administrator to give you that directory role.',
      }),
    );
    expect(() => requireDirectoryRole(request(principal(['user'])), 'user_administrator')).toThrow(
      expect.objectContaining({
        status: 403,
        message: expect.stringContaining('is not a User administrator'),
      }),
    );
    expect(() =>
      requireDirectoryRole(request(principal([], { kind: 'application' })), 'user_administrator'),
    ).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('refuses an anonymous caller with 401', () => {
    expect(() => requireDirectoryRole(request(null), 'user')).toThrow(
      expect.objectContaining({ status: 401 }),
    );
  });
});

describe('managementProblem', () => {
  const userAdmin: AdminActor = { id: 'ua-1', name: 'ursula@contoso.com', role: 'user_administrator' };
  const globalAdmin: AdminActor = { id: 'ga-1', name: 'gina@contoso.com', role: 'global_administrator' };
  const plain = { id: 't-1', userPrincipalName: 'tom@contoso.com', directoryRole: 'user' as const };

  it('lets a User administrator manage plain users', () => {
    expect(managementProblem(userAdmin, plain)).toBeUndefined();
    expect(managementProblem(userAdmin, { ...plain, protectedFor: null })).toBeUndefined();
    expect(managementProblem(userAdmin, { ...plain, protectedFor: '' })).toBeUndefined();
  });

  it('keeps administrators from a User administrator, naming the target and its role', () => {
    expect(managementProblem(userAdmin, { ...plain, directoryRole: 'global_administrator' })).toBe(
      'tom@contoso.com is a Global administrator; only a Global administrator can change administrators. Ask a Global administrator to do this.',
    );
    expect(managementProblem(userAdmin, { ...plain, directoryRole: 'user_administrator' })).toBe(
      'tom@contoso.com is a User administrator; only a Global administrator can change administrators. Ask a Global administrator to do this.',
    );
  });

  it('keeps a protected account (the integration identity) from a User administrator, saying why', () => {
    expect(managementProblem(userAdmin, { ...plain, protectedFor: 'ERP ↔ Sales connection' })).toBe(
      'tom@contoso.com is protected (ERP ↔ Sales connection); only a Global administrator can change it, its password or its licences. Ask a Global administrator to do this.',
    );
  });

  it('lets a Global administrator manage anyone, and anyone manage themselves', () => {
    for (const directoryRole of ['user', 'user_administrator', 'global_administrator'] as const) {
      expect(managementProblem(globalAdmin, { ...plain, directoryRole, protectedFor: 'x' })).toBeUndefined();
    }
    expect(
      managementProblem(userAdmin, {
        ...plain,
        id: 'ua-1',
        directoryRole: 'user_administrator',
        protectedFor: 'x',
      }),
    ).toBeUndefined();
  });
});

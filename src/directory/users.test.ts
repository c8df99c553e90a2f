import { describe, expect, it } from 'vitest';
import {
  cleanProfile,
  lastGlobalAdminProblem,
  managementProblem,
  parseIfMatch,
  roleChangeProblem,
  type AdminActor,
} from './users.js';

const globalAdmin: AdminActor = { id: 'g', name: 'admin@contoso.com', role: 'global_administrator' };
const userAdmin: AdminActor = { id: 'u', name: 'helpdesk@contoso.com', role: 'user_administrator' };

describe('cleanProfile', () => {
  it('trims, turns blanks into null, upper-cases usage location, leaves absent fields absent', () => {
    const cleaned = cleanProfile({
      displayName: '  Chris Green ',
      jobTitle: ' ',
      usageLocation: 'dk',
      city: null,
    });
    expect(cleaned).toEqual({ displayName: 'Chris Green', jobTitle: null, usageLocation: 'DK', city: null });
    expect('department' in cleaned).toBe(false);
  });
});

describe('managementProblem', () => {
  const plain = { id: 'p', userPrincipalName: 'chris@contoso.com', directoryRole: 'user' as const };
  const ga = {
    id: 'x',
    userPrincipalName: 'boss@contoso.com',
    directoryRole: 'global_administrator' as const,
  };
  const ua = {
    id: 'y',
    userPrincipalName: 'other@contoso.com',
    directoryRole: 'user_administrator' as const,
  };

  it('lets a Global administrator manage anyone', () => {
    expect(managementProblem(globalAdmin, ga)).toBeUndefined();
    expect(managementProblem(globalAdmin, ua)).toBeUndefined();
  });

  it('lets a User administrator manage plain users and himself only', () => {
    expect(managementProblem(userAdmin, plain)).toBeUndefined();
    expect(managementProblem(userAdmin, { ...ua, id: 'u' })).toBeUndefined();
    expect(managementProblem(userAdmin, ga)).toMatch(/boss@contoso.com is a Global administrator/);
    expect(managementProblem(userAdmin, ua)).toMatch(/only a Global administrator/);
  });
});

describe('roleChangeProblem', () => {
  const plain = { userPrincipalName: 'chris@contoso.com', directoryRole: 'user' as const };
  it('only a Global administrator grants or removes administrator roles', () => {
    expect(roleChangeProblem(globalAdmin, plain, 'global_administrator')).toBeUndefined();
    expect(roleChangeProblem(userAdmin, plain, 'user')).toBeUndefined();
    expect(roleChangeProblem(userAdmin, plain, 'user_administrator')).toMatch(/Only a Global administrator/);
    expect(roleChangeProblem(userAdmin, { ...plain, directoryRole: 'user_administrator' }, 'user')).toMatch(
      /chris@contoso.com stays User administrator/,
    );
  });
});

describe('lastGlobalAdminProblem', () => {
  const a = { id: 'a', userPrincipalName: 'a@contoso.com' };
  const b = { id: 'b', userPrincipalName: 'b@contoso.com' };
  it('refuses to take away the last active Global administrator', () => {
    expect(lastGlobalAdminProblem([a], new Set(['a']), 'deleted')).toMatch(
      /a@contoso.com is the last Global administrator .* cannot be deleted/,
    );
    expect(lastGlobalAdminProblem([a, b], new Set(['a', 'b']), 'blocked from signing in')).toMatch(
      /are the last Global administrators/,
    );
  });
  it('allows it while another remains, or when no administrator is affected', () => {
    expect(lastGlobalAdminProblem([a, b], new Set(['a']), 'deleted')).toBeUndefined();
    expect(lastGlobalAdminProblem([a], new Set(['z']), 'deleted')).toBeUndefined();
  });
});

describe('parseIfMatch', () => {
  it('reads bare, quoted and weak row versions and *', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('42')).toBe(42);
    expect(parseIfMatch('"42"')).toBe(42);
    expect(parseIfMatch('W/"42"')).toBe(42);
    expect(parseIfMatch('*')).toBe('*');
  });
  it('refuses anything else', () => {
    expect(() => parseIfMatch('"abc"')).toThrow(/not a row version/);
  });
});

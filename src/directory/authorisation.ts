import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/app-error.js';
import { requirePrincipal, type Principal } from '../platform/http/principal.js';
import type { Actor } from './context.js';
import type { DirectoryRole } from './schema.js';

const RANK: Record<DirectoryRole, number> = { user: 0, user_administrator: 1, global_administrator: 2 };

export const ROLE_LABEL: Record<DirectoryRole, string> = {
  global_administrator: 'Global administrator',
  user_administrator: 'User administrator',
  user: 'User',
};

/** The caller's directory role: applications hold none unless granted (they are not administrators). */
export function directoryRoleOf(principal: Principal): DirectoryRole {
  // Own keys only: `in` would take an inherited name (toString) for a role, ranked NaN: never refused.
  const role = principal.roles.find((r): r is DirectoryRole => Object.hasOwn(RANK, r));
  return role ?? 'user';
}

/**
 * Requires a signed-in caller holding at least `minimum` (Global administrator includes User
 * administrator). Returns the caller as the actor to record.
 */
export function requireDirectoryRole(request: FastifyRequest, minimum: DirectoryRole): Actor {
  const principal = requirePrincipal(request);
  if (RANK[directoryRoleOf(principal)] < RANK[minimum]) {
    throw new AppError(
      'Forbidden',
      `${principal.name} is not a ${ROLE_LABEL[minimum]}. Ask a Global administrator to give you that directory role.`,
    );
  }
  return { id: principal.id, name: principal.name };
}

/** An administrator acting on users: who (for the record) and with which directory role (for the rules). */
export interface AdminActor extends Actor {
  role: DirectoryRole;
}

/**
 * Why `actor` may not change `target` at all (profile, password, sign-in, licences, deletion), or
 * undefined. As Microsoft 365 protects privileged accounts, only Global administrators manage
 * administrators and protected accounts (the ERP ↔ Sales connection's integration identity): a User
 * administrator could otherwise reset its password and sign in with its organisation-wide rights.
 */
export function managementProblem(
  actor: AdminActor,
  target: {
    id: string;
    userPrincipalName: string;
    directoryRole: DirectoryRole;
    protectedFor?: string | null;
  },
): string | undefined {
  if (actor.role === 'global_administrator' || target.id === actor.id) return undefined;
  if (target.directoryRole !== 'user') {
    return `${target.userPrincipalName} is a ${ROLE_LABEL[target.directoryRole]}; only a Global administrator can change administrators. Ask a Global administrator to do this.`;
  }
  if (target.protectedFor) {
    return `${target.userPrincipalName} is protected (${target.protectedFor}); only a Global administrator can change it, its password or its licences. Ask a Global administrator to do this.`;
  }
  return undefined;
}

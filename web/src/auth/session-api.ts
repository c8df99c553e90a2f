import { apiJson } from '../api/http';

/** The signed-in person as /auth/me and /auth/sign-in describe them. */
export interface SignedInUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  directoryRole: 'global_administrator' | 'user_administrator' | 'user';
  roleLabel: string;
}

/**
 * The signed-in user, or null when there is no session. /auth/session answers 200 either way, so
 * opening the console signed out logs no failed request in the browser.
 */
export async function fetchSignedInUser(): Promise<SignedInUser | null> {
  return (await apiJson<{ user: SignedInUser | null }>('/auth/session')).user;
}

export function signIn(userName: string, password: string): Promise<SignedInUser> {
  return apiJson<SignedInUser>('/auth/sign-in', { method: 'POST', json: { userName, password } });
}

export function changePassword(userName: string, currentPassword: string, newPassword: string) {
  return apiJson<{ userPrincipalName: string }>('/auth/change-password', {
    method: 'POST',
    json: { userName, currentPassword, newPassword },
  });
}

export async function signOut(): Promise<void> {
  await apiJson('/auth/sign-out', { method: 'POST' });
}

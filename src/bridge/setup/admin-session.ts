import type { TokenSource } from '../clients/index.js';

/** The setup administrator, signed in for the duration of a setup (rule A1). */
export interface AdminSession {
  upn: string;
  salesUserId: string;
  /** The Sales URL the administrator was checked against. */
  salesUrl: string;
  tokens: TokenSource;
}

/**
 * The administrator's token lives only in this process's memory, for a limited time after its last
 * use: rule A1 says the admin's credentials serve setup only and are never stored. A restart or a
 * pause longer than the time-out means signing in again.
 */
export class AdminSessions {
  private current: (AdminSession & { expiresAt: number }) | undefined;

  constructor(
    private readonly idleMs = 30 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  set(session: AdminSession): void {
    this.current = { ...session, expiresAt: this.now() + this.idleMs };
  }

  /** The live session, if any (its idle time-out restarts). */
  get(): AdminSession | undefined {
    if (!this.current) return undefined;
    if (this.current.expiresAt < this.now()) {
      this.current = undefined;
      return undefined;
    }
    this.current.expiresAt = this.now() + this.idleMs;
    return this.current;
  }

  /** The live session, if any, without restarting its idle time-out (for showing who is signed in). */
  peek(): AdminSession | undefined {
    return this.current && this.current.expiresAt >= this.now() ? this.current : undefined;
  }

  clear(): void {
    this.current = undefined;
  }
}

import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../platform/db/database.js';
import { queryRows } from '../platform/db/database.js';
import { AppError } from '../platform/http/app-error.js';
import { signInFailures } from './schema.js';

export interface ThrottleLimits {
  /** Failures allowed for one account (user name or client id) from one source within the window. */
  perAccountSource: number;
  /** Failures allowed from one source (client address) across all accounts within the window. */
  perSource: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  perAccountSource: 5,
  perSource: 20,
  windowMs: 5 * 60_000,
};

/**
 * Slows password guessing without letting anyone lock an account: failures are counted by account
 * and source together, and by source alone. After 5 failures for an account from one address, or 20
 * from one address across accounts, within a sliding window, further attempts from that address are
 * refused (429 with Retry-After) without even checking the password; the same account signs in from
 * any other address as before, so a stranger's wrong passwords never lock out the integration user
 * or an administrator. A success clears that account's failures from that source (not the source's
 * own count, so one valid account cannot reset a spray from the same address).
 *
 * The failures live in the database (`directory.sign_in_failures`, timed by the database clock), so
 * several Tandem processes on one PostgreSQL enforce one limit. The source is the socket's peer
 * unless fastify's trustProxy is configured.
 */
export class SignInThrottle {
  private writes = 0;

  constructor(
    private readonly db: Database,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS,
  ) {}

  /** Seconds until another attempt from `source` is allowed for `account`, or 0 when it is now. */
  async retryAfterSeconds(account: string, source: string): Promise<number> {
    const windowSeconds = this.limits.windowMs / 1000;
    const key = accountKey(account);
    const [row] = await queryRows<{ by_pair: number | null; by_source: number | null }>(
      this.db,
      sql`select
            (select extract(epoch from (at + make_interval(secs => ${windowSeconds}) - now()))
               from directory.sign_in_failures
              where account = ${key} and source = ${source}
                and at > now() - make_interval(secs => ${windowSeconds})
              order by at desc offset ${this.limits.perAccountSource - 1} limit 1)::float8 as by_pair,
            (select extract(epoch from (at + make_interval(secs => ${windowSeconds}) - now()))
               from directory.sign_in_failures
              where source = ${source} and at > now() - make_interval(secs => ${windowSeconds})
              order by at desc offset ${this.limits.perSource - 1} limit 1)::float8 as by_source`,
    );
    // The attempt becomes allowed when the failure that fills the limit leaves the window.
    const wait = Math.max(row?.by_pair ?? 0, row?.by_source ?? 0);
    return wait > 0 ? Math.max(1, Math.ceil(wait)) : 0;
  }

  /** Throws TooManyRequests (with Retry-After) when the account from this source, or the source, is over its limit. */
  async check(account: string, source: string): Promise<void> {
    const seconds = await this.retryAfterSeconds(account, source);
    if (seconds > 0) {
      throw new AppError(
        'TooManyRequests',
        `Too many failed sign-in attempts for this account from this address, or from this address. Wait ${seconds} seconds and try again, or ask an administrator to reset the password.`,
        { headers: { 'retry-after': String(seconds) } },
      );
    }
  }

  async recordFailure(account: string, source: string): Promise<void> {
    await this.db.insert(signInFailures).values({ account: accountKey(account), source });
    // Now and then, forget failures that have left the window (the at index makes it cheap).
    if (++this.writes % 50 === 1) {
      await this.db.execute(
        sql`delete from directory.sign_in_failures
             where at < now() - make_interval(secs => ${this.limits.windowMs / 1000})`,
      );
    }
  }

  async recordSuccess(account: string, source: string): Promise<void> {
    await this.db
      .delete(signInFailures)
      .where(and(eq(signInFailures.account, accountKey(account)), eq(signInFailures.source, source)));
  }
}

function accountKey(account: string): string {
  return account.trim().toLowerCase();
}

const throttles = new WeakMap<object, SignInThrottle>();

/** The one throttle of a directory (shared by console sign-in, change-password and the token endpoint). */
export function throttleFor(owner: { db: Database }): SignInThrottle {
  let throttle = throttles.get(owner);
  if (!throttle) {
    throttle = new SignInThrottle(owner.db);
    throttles.set(owner, throttle);
  }
  return throttle;
}

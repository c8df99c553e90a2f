import { AppError } from '../platform/http/app-error.js';

export interface ThrottleLimits {
  /** Failures allowed for one user name (or client id) within the window. */
  perName: number;
  /** Failures allowed from one client IP within the window. */
  perIp: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = { perName: 5, perIp: 20, windowMs: 5 * 60_000 };

/** Keeps memory bounded under a spray of random names: the oldest keys go first. */
const MAX_KEYS = 50_000;

/**
 * Slows password guessing: after too many failed sign-ins for one user name, or from one IP,
 * within a sliding window, further attempts are refused (429 with Retry-After) without even
 * checking the password. A success clears the user name's failures (not the IP's, so one valid
 * account cannot be used to reset a spray from the same address).
 *
 * The counters live in this process's memory: with several Tandem processes behind a load
 * balancer each enforces its own limits, so the effective limit is multiplied by the process
 * count. The IP is the socket's peer unless fastify's trustProxy is configured.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const cutoff = now - this.limits.windowMs;
    const kept = list.filter((t) => t > cutoff);
    if (kept.length === 0) this.failures.delete(key);
    else if (kept.length !== list.length) this.failures.set(key, kept);
    return kept;
  }

  /** Seconds until another attempt is allowed, or 0 when it is allowed now. */
  retryAfterSeconds(name: string, ip: string): number {
    const now = this.now();
    let waitMs = 0;
    for (const [key, limit] of [
      [nameKey(name), this.limits.perName],
      [ipKey(ip), this.limits.perIp],
    ] as const) {
      const recent = this.recent(key, now);
      if (recent.length >= limit) {
        // The attempt becomes allowed when enough old failures leave the window.
        const freeingFailure = recent[recent.length - limit]!;
        waitMs = Math.max(waitMs, freeingFailure + this.limits.windowMs - now);
      }
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  /** Throws TooManyRequests (with Retry-After) when the name or the IP is over its limit. */
  check(name: string, ip: string): void {
    const seconds = this.retryAfterSeconds(name, ip);
    if (seconds > 0) {
      throw new AppError(
        'TooManyRequests',
        `Too many failed sign-in attempts for this account or from this address. Wait ${seconds} seconds and try again, or ask an administrator to reset the password.`,
        { headers: { 'retry-after': String(seconds) } },
      );
    }
  }

  recordFailure(name: string, ip: string): void {
    const now = this.now();
    for (const key of [nameKey(name), ipKey(ip)]) {
      const list = this.recent(key, now);
      list.push(now);
      // Re-insert so Map order is least-recently-failed first, for eviction.
      this.failures.delete(key);
      this.failures.set(key, list);
    }
    while (this.failures.size > MAX_KEYS) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  recordSuccess(name: string): void {
    this.failures.delete(nameKey(name));
  }
}

function nameKey(name: string): string {
  return `name:${name.trim().toLowerCase()}`;
}

function ipKey(ip: string): string {
  return `ip:${ip}`;
}

const throttles = new WeakMap<object, SignInThrottle>();

/** The one throttle of a directory (shared by console sign-in, change-password and the token endpoint). */
export function throttleFor(owner: object): SignInThrottle {
  let throttle = throttles.get(owner);
  if (!throttle) {
    throttle = new SignInThrottle();
    throttles.set(owner, throttle);
  }
  return throttle;
}

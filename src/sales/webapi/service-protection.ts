import { DATAVERSE_CODES, DataverseError } from './dataverse-error.js';

/**
 * Dataverse's service protection limits, per user: at most `requestLimit` requests in any sliding
 * window of `windowSeconds`, and at most `concurrencyLimit` at the same time. Past either the caller
 * gets 429 with Retry-After and the documented code and message, which client libraries (the
 * Dataverse ServiceClient, PowerApps tooling) recognise and retry after the interval given.
 *
 * The window is exact: each user keeps the times of their requests in the window (a queue), so
 * Retry-After is when the oldest one leaves it. Refused requests are not counted, so a client that
 * waits as told gets in.
 */

export interface ServiceProtectionLimits {
  requestLimit: number;
  concurrencyLimit: number;
  windowSeconds: number;
}

export const DEFAULT_LIMITS: ServiceProtectionLimits = {
  requestLimit: 6000,
  concurrencyLimit: 52,
  windowSeconds: 300,
};

interface UserState {
  /** Request times (ms) in the window, oldest first, from index `head`. */
  times: number[];
  head: number;
  inFlight: number;
}

export interface Admission {
  /** Frees the concurrency slot; call once when the request ends. */
  release(): void;
  /** Requests still allowed in the current window (x-ms-ratelimit-burst-remaining-xrm-requests). */
  remaining: number;
}

export class ServiceProtection {
  private readonly users = new Map<string, UserState>();

  constructor(
    private readonly limits: ServiceProtectionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private state(userId: string): UserState {
    let state = this.users.get(userId);
    if (!state) {
      state = { times: [], head: 0, inFlight: 0 };
      this.users.set(userId, state);
    }
    return state;
  }

  /** Drops request times older than the window and compacts the queue now and then. */
  private expire(state: UserState, now: number): void {
    const oldest = now - this.limits.windowSeconds * 1000;
    while (state.head < state.times.length && state.times[state.head]! <= oldest) state.head++;
    if (state.head > 1024 && state.head * 2 > state.times.length) {
      state.times = state.times.slice(state.head);
      state.head = 0;
    }
  }

  private inWindow(state: UserState): number {
    return state.times.length - state.head;
  }

  private requestLimitError(state: UserState, now: number, count: number): DataverseError {
    // The window frees room when the oldest requests leave it; wait until enough have left.
    const needed = Math.max(0, this.inWindow(state) + count - this.limits.requestLimit);
    const leaving = state.times[state.head + Math.max(0, needed - 1)] ?? now;
    const retryAfter = Math.max(1, Math.ceil((leaving + this.limits.windowSeconds * 1000 - now) / 1000));
    return new DataverseError(
      'TooManyRequests',
      DATAVERSE_CODES.requestLimit,
      `Number of requests exceeded the limit of ${this.limits.requestLimit} over time window of ${this.limits.windowSeconds} seconds.`,
      { headers: { 'retry-after': String(retryAfter) } },
    );
  }

  /**
   * Admits one request of `userId` or throws 429. The admission holds a concurrency slot until
   * released.
   */
  admit(userId: string): Admission {
    const now = this.now();
    const state = this.state(userId);
    this.expire(state, now);
    if (state.inFlight >= this.limits.concurrencyLimit)
      throw new DataverseError(
        'TooManyRequests',
        DATAVERSE_CODES.concurrencyLimit,
        `Number of concurrent requests exceeded the limit of ${this.limits.concurrencyLimit}.`,
        { headers: { 'retry-after': '1' } },
      );
    if (this.inWindow(state) >= this.limits.requestLimit) throw this.requestLimitError(state, now, 1);
    state.times.push(now);
    state.inFlight++;
    let released = false;
    return {
      remaining: this.limits.requestLimit - this.inWindow(state),
      release: () => {
        if (released) return;
        released = true;
        state.inFlight--;
        if (state.inFlight === 0 && this.inWindow(state) === 0) this.users.delete(userId);
      },
    };
  }

  /**
   * Counts `count` further requests for `userId` (the operations inside a $batch), or throws 429 when
   * they do not fit in the window; nothing is counted then.
   */
  consume(userId: string, count: number): void {
    if (count <= 0) return;
    const now = this.now();
    const state = this.state(userId);
    this.expire(state, now);
    if (this.inWindow(state) + count > this.limits.requestLimit)
      throw this.requestLimitError(state, now, count);
    for (let i = 0; i < count; i++) state.times.push(now);
  }

  /** Seconds until the user's window is empty again (x-ms-ratelimit-time-remaining-xrm-requests). */
  windowRemainingSeconds(userId: string): number {
    const state = this.users.get(userId);
    if (!state || this.inWindow(state) === 0) return 0;
    return Math.max(0, (state.times[state.head]! + this.limits.windowSeconds * 1000 - this.now()) / 1000);
  }
}

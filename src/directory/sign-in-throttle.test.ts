import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/http/app-error.js';
import { SignInThrottle } from './sign-in-throttle.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const LIMITS = { perName: 5, perIp: 20, windowMs: 5 * 60_000 };

describe('SignInThrottle', () => {
  it('allows five failures for a user name, then refuses with a Retry-After until the window frees one', () => {
    const c = clock();
    const throttle = new SignInThrottle(LIMITS, c.now);
    for (let i = 0; i < 5; i++) {
      expect(() => throttle.check('Ann@Contoso.com', '10.0.0.1')).not.toThrow();
      throttle.recordFailure('ann@contoso.com', '10.0.0.1');
      c.advance(10_000);
    }
    // First failure was at t0; now is t0 + 50 s: it leaves the window at t0 + 300 s.
    expect(throttle.retryAfterSeconds('ann@contoso.com', '10.0.0.2')).toBe(250);
    let thrown: unknown;
    try {
      throttle.check(' ANN@contoso.com ', '10.0.0.9');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('TooManyRequests');
    expect((thrown as AppError).status).toBe(429);
    expect((thrown as AppError).headers).toEqual({ 'retry-after': '250' });
    // Another user from another address is not affected.
    expect(throttle.retryAfterSeconds('bob@contoso.com', '10.0.0.2')).toBe(0);

    c.advance(250_000);
    expect(throttle.retryAfterSeconds('ann@contoso.com', '10.0.0.2')).toBe(0);
  });

  it('limits one IP across many user names', () => {
    const c = clock();
    const throttle = new SignInThrottle(LIMITS, c.now);
    for (let i = 0; i < 20; i++) throttle.recordFailure(`user${i}@contoso.com`, '192.0.2.7');
    expect(throttle.retryAfterSeconds('fresh@contoso.com', '192.0.2.7')).toBe(300);
    expect(throttle.retryAfterSeconds('fresh@contoso.com', '192.0.2.8')).toBe(0);
  });

  it('clears the user name (not the IP) on success', () => {
    const c = clock();
    const throttle = new SignInThrottle({ perName: 3, perIp: 4, windowMs: 60_000 }, c.now);
    for (let i = 0; i < 3; i++) throttle.recordFailure('ann@contoso.com', '10.0.0.1');
    expect(throttle.retryAfterSeconds('ann@contoso.com', '10.0.0.5')).toBeGreaterThan(0);
    throttle.recordSuccess('ann@contoso.com');
    expect(throttle.retryAfterSeconds('ann@contoso.com', '10.0.0.5')).toBe(0);
    throttle.recordFailure('ann@contoso.com', '10.0.0.1');
    // The IP has 4 failures now: at its limit even though the name was cleared.
    expect(throttle.retryAfterSeconds('other@contoso.com', '10.0.0.1')).toBeGreaterThan(0);
  });

  it('forgets failures older than the window (sliding, not fixed)', () => {
    const c = clock();
    const throttle = new SignInThrottle({ perName: 2, perIp: 100, windowMs: 60_000 }, c.now);
    throttle.recordFailure('ann@contoso.com', 'ip');
    c.advance(40_000);
    throttle.recordFailure('ann@contoso.com', 'ip');
    expect(throttle.retryAfterSeconds('ann@contoso.com', 'ip')).toBe(20);
    c.advance(20_001);
    expect(throttle.retryAfterSeconds('ann@contoso.com', 'ip')).toBe(0);
    throttle.recordFailure('ann@contoso.com', 'ip');
    // Two in the window again (t=40 s and t=60 s): blocked until the t=40 s one leaves at t=100 s.
    expect(throttle.retryAfterSeconds('ann@contoso.com', 'ip')).toBe(40);
  });
});

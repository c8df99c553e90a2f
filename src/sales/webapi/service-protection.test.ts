import { describe, expect, it } from 'vitest';
import { DataverseError } from './dataverse-error.js';
import { ServiceProtection } from './service-protection.js';

function refusal(fn: () => unknown): DataverseError {
  try {
    fn();
  } catch (error) {
    return error as DataverseError;
  }
  throw new Error('expected a 429');
}

describe('service protection limits', () => {
  it('refuses the request past the limit in the sliding window with 429, the documented code and Retry-After', () => {
    let now = 1_000_000;
    const limiter = new ServiceProtection(
      { requestLimit: 3, concurrencyLimit: 10, windowSeconds: 300 },
      () => now,
    );
    limiter.admit('u').release();
    now += 100_000;
    limiter.admit('u').release();
    limiter.admit('u').release();
    const error = refusal(() => limiter.admit('u'));
    expect(error.status).toBe(429);
    expect(error.dataverseCode).toBe('0x80072322');
    expect(error.message).toBe('Number of requests exceeded the limit of 3 over time window of 300 seconds.');
    // The first request leaves the window 300 s after it was made: 200 s from now.
    expect(error.headers).toEqual({ 'retry-after': '200' });
    // Another user is not affected.
    limiter.admit('v').release();
    now += 200_000;
    const admitted = limiter.admit('u');
    expect(admitted.remaining).toBe(0);
    admitted.release();
  });

  it('refuses concurrent requests past the concurrency limit until one ends', () => {
    const limiter = new ServiceProtection(
      { requestLimit: 100, concurrencyLimit: 2, windowSeconds: 300 },
      () => 0,
    );
    const a = limiter.admit('u');
    limiter.admit('u');
    const error = refusal(() => limiter.admit('u'));
    expect(error.dataverseCode).toBe('0x80072326');
    expect(error.message).toBe('Number of concurrent requests exceeded the limit of 2.');
    expect(error.headers?.['retry-after']).toBe('1');
    a.release();
    a.release(); // releasing twice frees one slot only
    limiter.admit('u');
    expect(() => limiter.admit('u')).toThrow(DataverseError);
  });

  it('counts the operations of a batch, refusing a batch that does not fit without counting it', () => {
    let now = 0;
    const limiter = new ServiceProtection(
      { requestLimit: 10, concurrencyLimit: 5, windowSeconds: 60 },
      () => now,
    );
    limiter.consume('u', 8);
    expect(() => limiter.consume('u', 3)).toThrow(/limit of 10 over time window of 60 seconds/);
    limiter.consume('u', 2);
    expect(() => limiter.admit('u')).toThrow(DataverseError);
    now += 60_001;
    limiter.admit('u').release();
    expect(limiter.windowRemainingSeconds('u')).toBeCloseTo(60, 0);
  });
});

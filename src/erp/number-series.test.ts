import { describe, expect, it } from 'vitest';
import { formatNumber } from './number-series.js';

describe('number series', () => {
  it('pads the counter and keeps the prefix, growing past the width', () => {
    expect(formatNumber('C', 5, 10)).toBe('C00010');
    expect(formatNumber('CT', 6, 1)).toBe('CT000001');
    expect(formatNumber('C', 5, 1_000_000)).toBe('C1000000');
  });
});

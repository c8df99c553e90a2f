import { describe, expect, it } from 'vitest';
import { isDateFormula } from './payment-terms.js';

describe('date formulas', () => {
  it('accepts BC date formulas', () => {
    for (const f of ['', '10D', '14d', '1M+CM', 'CM', '-3D', '<2W>', '1Y-1D', '1Q'])
      expect(isDateFormula(f)).toBe(true);
  });
  it('refuses anything else', () => {
    for (const f of ['10', 'D', '1X', '1M+', '1 M', '++1D', 'tomorrow']) expect(isDateFormula(f)).toBe(false);
  });
});

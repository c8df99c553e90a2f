/**
 * Canonical values: what a mapped field holds, in one form for both apps, so the sync can tell whether
 * two records agree. Blank text and null are the same (the ERP stores '' where Sales stores null),
 * numbers compare by value (a decimal may arrive as 10 or "10.00"), everything else exactly.
 */

export type CanonicalValue = string | number | boolean | null;

/** Field key → canonical value. */
export type CanonicalRecord = Record<string, CanonicalValue>;

export function canonical(value: unknown): CanonicalValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

export function sameValue(a: CanonicalValue | undefined, b: CanonicalValue | undefined): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (x === null || y === null) return x === y;
  if (typeof x === 'number' || typeof y === 'number') {
    const nx = typeof x === 'number' ? x : NUMERIC.test(String(x)) ? Number(x) : NaN;
    const ny = typeof y === 'number' ? y : NUMERIC.test(String(y)) ? Number(y) : NaN;
    return nx === ny;
  }
  return x === y;
}

/** Short text of a value for messages. */
export function showValue(value: CanonicalValue | undefined): string {
  if (value === undefined || value === null) return '(blank)';
  const text = typeof value === 'string' ? `'${value}'` : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…'` : text;
}

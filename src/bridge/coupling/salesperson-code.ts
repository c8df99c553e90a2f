/**
 * A salesperson code for a Sales user: the initials of the name (BC style, e.g. "Jim Olive" → "JO"),
 * else the e-mail's local part; uppercase, at most 20 characters, made unique with a number.
 */
export function deriveSalespersonCode(
  user: { fullname?: string | null; email?: string | null },
  taken: ReadonlySet<string>,
): string {
  const words = (user.fullname ?? '')
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .split(/[\s-]+/)
    .filter(Boolean);
  let base = words
    .map((w) => w[0]!.toUpperCase())
    .join('')
    .replace(/[^A-Z0-9]/g, '');
  if (base.length < 2) {
    const local = (user.email ?? '').split('@')[0] ?? '';
    base = local.toUpperCase().replace(/[^A-Z0-9]/g, '') || base || 'SP';
  }
  base = base.slice(0, 20);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = String(n);
    const code = base.slice(0, 20 - suffix.length) + suffix;
    if (!taken.has(code)) return code;
  }
}

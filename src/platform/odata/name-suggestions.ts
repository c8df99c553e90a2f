/**
 * "Did you mean …?" for unknown names in query options. Dataverse and Business Central names are
 * case-sensitive and long, so a near miss (`Name`, `acountid`) is the usual mistake; naming the
 * nearest valid names turns a dead end into a fix.
 */

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** Up to `limit` valid names close to `wanted`: same letters in another case first, then by edit distance. */
export function nearbyNames(wanted: string, candidates: readonly string[], limit = 3): string[] {
  const lower = wanted.toLowerCase();
  const allowed = Math.max(2, Math.floor(wanted.length / 3));
  return candidates
    .map((name) => {
      const candidate = name.toLowerCase();
      let score = editDistance(lower, candidate);
      if (candidate === lower) score = -1;
      else if (candidate.includes(lower) || lower.includes(candidate)) score = Math.min(score, allowed);
      return { name, score };
    })
    .filter((c) => c.score <= allowed)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((c) => c.name);
}

/** The sentence to append to an "unknown name" message: nearby names, or else a sample of valid ones. */
export function suggestionSentence(wanted: string, candidates: readonly string[]): string {
  const near = nearbyNames(wanted, candidates);
  if (near.length > 0) {
    const caseOnly = near[0]!.toLowerCase() === wanted.toLowerCase();
    return `Did you mean ${near.map((n) => `'${n}'`).join(' or ')}?${caseOnly ? ' Names are case-sensitive.' : ''}`;
  }
  if (candidates.length === 0) return 'There are none.';
  const shown = candidates.slice(0, 12).map((n) => `'${n}'`);
  return `Valid names are ${shown.join(', ')}${candidates.length > 12 ? `, … (${candidates.length} in all)` : ''}.`;
}

/**
 * The request headers that steer a Web API response: `Prefer` (return=representation,
 * odata.maxpagesize, odata.include-annotations, odata.track-changes, odata.continue-on-error) and the
 * ETag conditions If-Match / If-None-Match.
 */

export const DEFAULT_PAGE_SIZE = 5000;
export const MAX_PAGE_SIZE = 5000;

export interface Preferences {
  returnRepresentation: boolean;
  /** Requested page size; undefined when not asked. */
  maxPageSize: number | undefined;
  /** The include-annotations pattern (`*`, `OData.Community.Display.V1.FormattedValue`, …), if any. */
  includeAnnotations: string | undefined;
  trackChanges: boolean;
  continueOnError: boolean;
}

/** Reads every `Prefer` header (several headers and comma lists both occur); unknown preferences are ignored, as RFC 7240 says. */
export function parsePreferences(header: string | readonly string[] | undefined): Preferences {
  const prefs: Preferences = {
    returnRepresentation: false,
    maxPageSize: undefined,
    includeAnnotations: undefined,
    trackChanges: false,
    continueOnError: false,
  };
  const values = header === undefined ? [] : typeof header === 'string' ? [header] : header;
  for (const value of values) {
    for (const item of value.split(',')) {
      const [rawName, ...rest] = item.split('=');
      const name = (rawName ?? '').trim().toLowerCase();
      const arg = rest
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1');
      switch (name) {
        case 'return':
          prefs.returnRepresentation = arg.toLowerCase() === 'representation';
          break;
        case 'odata.maxpagesize':
        case 'maxpagesize': {
          const n = Number(arg);
          if (Number.isInteger(n) && n > 0) prefs.maxPageSize = n;
          break;
        }
        case 'odata.include-annotations':
          prefs.includeAnnotations = arg;
          break;
        case 'odata.track-changes':
        case 'track-changes':
          prefs.trackChanges = true;
          break;
        case 'odata.continue-on-error':
        case 'continue-on-error':
          prefs.continueOnError = arg === '' || arg.toLowerCase() === 'true';
          break;
      }
    }
  }
  return prefs;
}

/** The page size to use: the requested one capped at the maximum, or the default. */
export function pageSize(prefs: Preferences): number {
  return Math.min(prefs.maxPageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
}

/** Whether an include-annotations pattern asks for formatted values (`*`, the exact name, or `OData.Community.*`). */
export function wantsFormattedValues(prefs: Preferences): boolean {
  const pattern = prefs.includeAnnotations;
  if (!pattern) return false;
  return pattern
    .split(',')
    .map((p) => p.trim())
    .some(
      (p) =>
        p === '*' ||
        p === 'OData.Community.Display.V1.FormattedValue' ||
        p === 'OData.Community.*' ||
        p === 'OData.Community.Display.*' ||
        p === 'OData.Community.Display.V1.*',
    );
}

/** The weak ETag of a record version, as Dataverse writes it: W/"468026". */
export function formatEtag(version: number | string): string {
  return `W/"${version}"`;
}

/** An If-Match / If-None-Match header: `*`, a list of versions, or absent. Unreadable tags match nothing. */
export type EtagCondition = { kind: 'any' } | { kind: 'versions'; versions: string[] } | undefined;

export function parseEtagCondition(header: string | undefined): EtagCondition {
  if (header === undefined) return undefined;
  const value = header.trim();
  // Some clients send If-None-Match: null on every request (the Dataverse docs' batch example does).
  if (value === '' || value === 'null') return undefined;
  if (value === '*') return { kind: 'any' };
  const versions: string[] = [];
  for (const tag of value.split(',')) {
    const m = /^\s*(?:W\/)?"([^"]*)"\s*$/.exec(tag);
    if (m) versions.push(m[1]!);
  }
  return { kind: 'versions', versions };
}

/** Whether a record at `version` satisfies the condition (`*` matches any existing record). */
export function etagMatches(condition: NonNullable<EtagCondition>, version: number | string): boolean {
  return condition.kind === 'any' || condition.versions.includes(String(version));
}

/**
 * Step "Sales URL": a full URL, https unless http was explicitly allowed for a loopback address, and
 * a Sales server that answers like the Dataverse Web API. The directory that issues Sales tokens is
 * learnt from its `WWW-Authenticate` challenge, as Dataverse clients do.
 */
import type { CheckResult } from '../schema.js';
import type { StepInput } from './steps.js';
import { failed, type StepOutcome, type StepRun } from './step-types.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export type UrlCheck = { ok: true; url: string; note?: string } | { ok: false; check: CheckResult };

function refuse(id: string, message: string, fix: string): UrlCheck {
  return { ok: false, check: { rule: 'connection', id, status: 'fail', message, fix } };
}

/** Validates and normalises the Sales URL to its origin (scheme, host, port). */
export function checkSalesUrl(input: string, allowHttp: boolean): UrlCheck {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return refuse(
      'url.valid',
      `"${text}" is not a valid URL.`,
      'Enter the full address of the Sales server, for example https://sales.contoso.com.',
    );
  }
  if (url.username || url.password) {
    return refuse(
      'url.valid',
      'The Sales URL must not contain a user name or password.',
      'Enter just the address (for example https://sales.contoso.com); credentials are asked for separately.',
    );
  }
  const loopback = LOOPBACK.test(url.hostname);
  if (url.protocol === 'http:') {
    if (!allowHttp) {
      return refuse(
        'url.https',
        `${url.origin} uses http://. The connection carries the integration user's tokens, so it must use https://.`,
        loopback
          ? `Use https://, or allow http explicitly for this loopback address (allowHttp: true).`
          : 'Use the https:// address of the Sales server.',
      );
    }
    if (!loopback) {
      return refuse(
        'url.https',
        `http:// is allowed only for a loopback address (localhost, 127.x.x.x, ::1); ${url.hostname} is not one.`,
        'Use the https:// address of the Sales server.',
      );
    }
  } else if (url.protocol !== 'https:') {
    return refuse(
      'url.https',
      `${url.protocol} is not a web address scheme.`,
      'Enter an https:// address, for example https://sales.contoso.com.',
    );
  }
  const extra = url.pathname.replace(/\/+$/, '') + url.search + url.hash;
  const origin = url.origin;
  return extra && extra !== '/api/data/v9.2'
    ? {
        ok: true,
        url: origin,
        note: `Using ${origin}: the path "${extra}" is not part of a Sales server address.`,
      }
    : { ok: true, url: origin };
}

/** Where the directory is, from a Dataverse-style `Bearer authorization_uri="…/oauth2/v2.0/authorize"`. */
export function authorityFromChallenge(header: string | null): string | undefined {
  const match = header?.match(/authorization_uri="([^"]+)"/i);
  if (!match) return undefined;
  try {
    const uri = new URL(match[1]!);
    return `${uri.origin}${uri.pathname.replace(/\/oauth2\/v2\.0\/authorize\/?$/i, '').replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

export async function runSalesUrlStep(run: StepRun<StepInput<'sales-url'>>): Promise<StepOutcome> {
  const checked = checkSalesUrl(run.input.salesUrl, run.input.allowHttp);
  if (!checked.ok) return failed([checked.check]);
  const probe = `${checked.url}/api/data/v9.2/`;
  let response: Response;
  try {
    response = await (run.ctx.fetch ?? fetch)(probe, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
  } catch (error) {
    const reason =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return failed([
      {
        rule: 'connection',
        id: 'url.reachable',
        status: 'fail',
        message: `Tandem could not reach ${checked.url} (${reason}).`,
        fix: 'Check the address, that the Sales server is running, and that this machine can reach it.',
      },
    ]);
  }
  const isSales = (response.status === 401 || response.ok) && response.headers.get('odata-version') === '4.0';
  if (!isSales) {
    return failed([
      {
        rule: 'connection',
        id: 'url.is-sales',
        status: 'fail',
        message: `${checked.url} answered, but not as a Sales server: GET /api/data/v9.2/ returned ${response.status} without the OData-Version 4.0 header of a Dataverse Web API.`,
        fix: 'Enter the address of the Sales (Dataverse-compatible) server itself.',
      },
    ]);
  }
  const directoryUrl =
    authorityFromChallenge(response.headers.get('www-authenticate')) ?? run.ctx.config.publicUrl;
  const checks: CheckResult[] = [
    {
      rule: 'connection',
      id: 'url.valid',
      status: 'pass',
      message: checked.note ?? `${checked.url} is a valid address.`,
    },
    {
      rule: 'connection',
      id: 'url.reachable',
      status: 'pass',
      message: `${checked.url} answers as a Sales Web API; its directory is ${directoryUrl}.`,
    },
  ];
  const changed = run.row.salesUrl !== checked.url || run.row.directoryUrl !== directoryUrl;
  return {
    ok: true,
    checks,
    changes: changed ? [`Sales URL set to ${checked.url}`] : [],
    summary: `Sales at ${checked.url}`,
    update: {
      salesUrl: checked.url,
      allowHttp: run.input.allowHttp,
      directoryUrl,
      erpUrl: run.row.erpUrl ?? run.ctx.config.publicUrl,
    },
    changesIdentity: run.row.salesUrl !== null && changed,
  };
}

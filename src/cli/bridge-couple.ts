/**
 * `tandem couple salespeople`: eligible Sales users (enabled, licensed, not the integration user)
 * beside ERP salespeople (GET /bridge/coupling/salespeople); couple by e-mail and create the
 * missing salespeople (POST …/auto), couple one user by hand (POST …) or uncouple one (DELETE …).
 */
import { CliError } from './api-client.js';
import { connect, type ServerOptions } from './connect.js';
import type { ApiClient } from './api-client.js';
import type { CliIo } from './io.js';
import { reportError, table, writeLines } from './output.js';

export interface CoupleCommandOptions extends ServerOptions {
  auto?: boolean;
  createMissing?: boolean;
  salesUser?: string;
  salesperson?: string;
  uncouple?: string;
  json?: boolean;
}

interface EligibleUser {
  systemuserid: string;
  fullname: string;
  email: string | null;
  domainname: string;
  salesperson: { id: string; code: string } | null;
}

interface Salesperson {
  id: string;
  code: string;
  displayName: string;
  email: string | null;
  blocked: boolean;
  coupledTo: { systemuserid: string; fullname: string } | null;
}

interface Coupling {
  users: EligibleUser[];
  salespeople: Salesperson[];
  summary: { eligibleUsers: number; coupledUsers: number; uncoupledUsers: number };
}

interface AutoResult {
  coupled: Array<{ systemUserId: string; fullname: string; salespersonCode: string }>;
  created: Array<{ systemUserId: string; salespersonCode: string }>;
  unmatched: Array<{ systemUserId: string; fullname: string; reason: string }>;
  summary: Coupling['summary'];
}

function summaryLine(s: Coupling['summary']): string {
  return `${s.eligibleUsers} eligible user${s.eligibleUsers === 1 ? '' : 's'}: ${s.coupledUsers} coupled, ${s.uncoupledUsers} not coupled.`;
}

function listLines(coupling: Coupling): string[] {
  const names = new Map(coupling.salespeople.map((s) => [s.id, s.displayName]));
  const lines = coupling.users.length
    ? table(
        ['User', 'User name', 'E-mail', 'Salesperson'],
        coupling.users.map((u) => [
          u.fullname,
          u.domainname,
          u.email ?? '—',
          u.salesperson
            ? `${u.salesperson.code}${names.get(u.salesperson.id) ? ` (${names.get(u.salesperson.id)})` : ''}`
            : '—',
        ]),
      )
    : ['No eligible Sales users (enabled, licensed people other than the integration user).'];
  const free = coupling.salespeople.filter((s) => !s.coupledTo);
  lines.push('', summaryLine(coupling.summary));
  if (free.length) {
    lines.push(
      `Salespeople not coupled to a user: ${free.map((s) => `${s.code} (${s.displayName}${s.blocked ? ', blocked' : ''})`).join(', ')}.`,
    );
  }
  if (coupling.summary.uncoupledUsers > 0) {
    lines.push(
      'Couple them by e-mail with --auto, also create salespeople for the rest with --create-missing, or one by one with --sales-user UPN --salesperson CODE.',
    );
  }
  return lines;
}

/** The Sales user id of a UPN: an eligible user, else any Sales user (so the server says why not). */
async function systemUserId(client: ApiClient, coupling: Coupling, upn: string): Promise<string> {
  const wanted = upn.trim().toLowerCase();
  const eligible = coupling.users.find((u) => u.domainname.toLowerCase() === wanted);
  if (eligible) return eligible.systemuserid;
  let found: { systemuserid: string; domainname: string } | undefined;
  try {
    const page = await client.json<{ value: Array<{ systemuserid: string; domainname: string }> }>(
      `/sales/admin/users?search=${encodeURIComponent(wanted)}`,
    );
    found = page.value.find((u) => u.domainname.toLowerCase() === wanted);
  } catch {
    /* the caller may not read Sales users: fall through */
  }
  if (!found) {
    throw new CliError(
      `${upn} is not an eligible Sales user (enabled, licensed, not the integration user). Eligible users: ${coupling.users.map((u) => u.domainname).join(', ') || 'none'}.`,
    );
  }
  return found.systemuserid;
}

export async function runCoupleSalespeople(options: CoupleCommandOptions, io: CliIo): Promise<number> {
  const json = options.json === true;
  const out = (value: unknown, lines: string[]) => {
    if (json) io.stdout.write(JSON.stringify(value) + '\n');
    else writeLines(io.stdout, lines);
  };
  try {
    const one = options.salesUser !== undefined || options.salesperson !== undefined;
    const modes = [one, options.uncouple !== undefined, options.auto || options.createMissing].filter(
      Boolean,
    );
    if (modes.length > 1) {
      throw new CliError(
        'Choose one of: --auto / --create-missing, --sales-user UPN --salesperson CODE, or --uncouple UPN.',
      );
    }
    if (one && (!options.salesUser || !options.salesperson)) {
      throw new CliError('Coupling one user needs both --sales-user UPN and --salesperson CODE.');
    }
    const { client } = await connect(options, io);
    const path = '/bridge/coupling/salespeople';

    if (options.auto || options.createMissing) {
      const result = await client.json<AutoResult>(`${path}/auto`, {
        method: 'POST',
        body: { createMissing: options.createMissing === true },
      });
      const after = await client.json<Coupling>(path);
      const byId = new Map(after.users.map((u) => [u.systemuserid, u.fullname]));
      const lines: string[] = [];
      if (result.coupled.length) {
        lines.push(
          'Coupled by e-mail:',
          ...result.coupled.map((c) => `  ${c.fullname} → ${c.salespersonCode}`),
        );
      }
      if (result.created.length) {
        lines.push(
          'Created a salesperson and coupled it:',
          ...result.created.map(
            (c) => `  ${byId.get(c.systemUserId) ?? c.systemUserId} → ${c.salespersonCode} (new)`,
          ),
        );
      }
      if (result.unmatched.length) {
        lines.push(
          'Left uncoupled:',
          ...result.unmatched.map((u) => `  ${u.fullname}: ${u.reason}`),
          options.createMissing
            ? 'Couple them by hand with --sales-user UPN --salesperson CODE.'
            : 'Create salespeople for them with --create-missing, or couple them by hand with --sales-user UPN --salesperson CODE.',
        );
      }
      if (!result.coupled.length && !result.created.length) lines.push('Nothing to couple: nothing changed.');
      lines.push(summaryLine(result.summary));
      out({ ok: true, ...result }, lines);
      return 0;
    }

    const coupling = await client.json<Coupling>(path);
    if (one) {
      const id = await systemUserId(client, coupling, options.salesUser!);
      const result = await client.json<{ systemUserId: string; salespersonCode: string; changed: boolean }>(
        path,
        { method: 'POST', body: { systemUserId: id, salespersonCode: options.salesperson } },
      );
      out({ ok: true, ...result }, [
        result.changed
          ? `Coupled ${options.salesUser} to salesperson ${result.salespersonCode}.`
          : `${options.salesUser} was already coupled to salesperson ${result.salespersonCode}: nothing changed.`,
      ]);
      return 0;
    }
    if (options.uncouple !== undefined) {
      const id = await systemUserId(client, coupling, options.uncouple);
      const was = coupling.users.find((u) => u.systemuserid === id)?.salesperson?.code;
      const result = await client.json<{ systemUserId: string; salespersonId: string }>(`${path}/${id}`, {
        method: 'DELETE',
      });
      out({ ok: true, ...result }, [
        `Uncoupled ${options.uncouple}${was ? ` from salesperson ${was}` : ''}.`,
      ]);
      return 0;
    }
    out(coupling, listLines(coupling));
    return 0;
  } catch (error) {
    return reportError(io, error, json);
  }
}

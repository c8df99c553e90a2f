/**
 * The account rules on a set-up connection, over HTTP: coupling salespeople (A5) and the owners they
 * stand for (A6), edits made by a person signed in as the integration user (A3), and the continuous
 * checks of the integration user (A4) — each way of breaking it suspends writing with its own
 * reason, shows in the doctor, and fixing it resumes writing; suspend and resume are audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, getToken, giveRoles, ok, provisionAll, runFullSetup, salesUser } from './support/bridge.js';
import { createDirectoryUser, directoryCall } from './support/sales-users.js';
import { webApi } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let domain: string;
let base: string;
const PASSWORD = 'Integr4tion-Passw0rd!';
const SALES_LICENCE = 'DYN365_ENTERPRISE_PLAN1';
const ERP_LICENCE = 'DYN365_BUSCENTRAL_ESSENTIAL';

type Check = { rule: string; id: string; status: string; message: string; fix?: string };

const upn = (name: string) => `${name}@${domain}`;
const integration = () => upn('integration');
/** Sales user ids by short name. */
const ids: Record<string, string> = {};

/** Creates directory users (Sales-licensed by default) in one go, then records their Sales user ids. */
async function people(list: Array<[name: string, displayName: string, licences?: string[]]>) {
  const directoryIds: Record<string, string> = {};
  for (const [name, displayName, licences = [SALES_LICENCE]] of list) {
    directoryIds[name] = await createDirectoryUser(system, upn(name), {
      licences,
      password: PASSWORD,
      displayName,
    });
  }
  await provisionAll(system);
  const page = await ok(system, 'GET', '/sales/admin/users?top=500');
  for (const [name] of list) {
    ids[name] = page.value.find((u: { domainname: string }) => u.domainname === upn(name)).systemuserid;
  }
  return directoryIds;
}

async function salesperson(code: string, displayName: string, email: string) {
  await ok(system, 'POST', `${base}/salespeoplePurchasers`, { code, displayName, email });
}

const coupling = () => ok(system, 'GET', '/bridge/coupling/salespeople');
const couple = (name: string, salespersonCode: string) =>
  call(system, 'POST', '/bridge/coupling/salespeople', { systemUserId: ids[name], salespersonCode });

async function checkNow() {
  await system.running.bridge.monitor.runNow();
  return ok(system, 'GET', '/bridge/connection');
}

/** After the next check: suspended, with the failing check's message among the reasons; the doctor agrees. */
async function expectSuspended(id: string): Promise<Check> {
  const connection = await checkNow();
  const failing = (connection.lastCheck?.checks ?? []).filter((c: Check) => c.status === 'fail');
  expect(connection, JSON.stringify(failing, null, 2)).toMatchObject({
    state: 'suspended',
    enabled: true,
    writing: false,
  });
  const check = failing.find((c: Check) => c.id === id);
  expect(check, `no failing ${id} in ${JSON.stringify(failing, null, 2)}`).toBeDefined();
  expect(check.fix).toBeTruthy();
  expect(connection.reasons.join(' ')).toContain(check.message);
  expect(connection.reasons.join(' ')).toContain('stopped writing');
  const doctor = await ok(system, 'GET', '/bridge/doctor');
  expect(doctor.ok).toBe(false);
  expect(doctor.state).toBe('suspended');
  expect(doctor.checks.find((c: Check) => c.id === id && c.status === 'fail')).toBeDefined();
  return check;
}

async function expectResumed() {
  const connection = await checkNow();
  const failing = (connection.lastCheck?.checks ?? []).filter((c: Check) => c.status === 'fail');
  expect(connection.state, JSON.stringify(failing, null, 2)).toBe('enabled');
  expect(connection.writing).toBe(true);
}

async function auditActions(): Promise<string[]> {
  return (await ok(system, 'GET', '/bridge/audit')).value.map((a: { action: string }) => a.action);
}

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_BRIDGE_CHECK_SECONDS: '3600' });
  domain = system.admin.upn.split('@')[1]!;
  const companies = await ok(system, 'GET', '/api/v2.0/companies');
  base = `/api/v2.0/companies(${companies.value[0].id})`;

  const directoryIds = await people([
    ['integration', 'Integration', [SALES_LICENCE, ERP_LICENCE]],
    ['carl', 'Carl Coupled'],
    ['dora', 'Dora Second'],
    ['anna', 'Anna Match'],
    ['bob', 'Bob Twin'],
    ['jim', 'Jim Olive'],
    ['joan', 'Joan Olsen'],
    ['una', 'Una Unlicensed'],
  ]);
  await giveRoles(system, [integration()], ['Salesperson']);
  await giveRoles(system, [system.admin.upn], ['System Customizer', 'Sales Manager']);
  await directoryCall(system, 'POST', `/directory/users/${directoryIds.una}/assign-licences`, {
    addLicences: [],
    removeLicences: [SALES_LICENCE],
  });
  await provisionAll(system);
  ids.admin = (await salesUser(system, system.admin.upn)).systemuserid;

  await salesperson('CC', 'Carl Coupled', upn('carl'));
  await salesperson('DS', 'Dora Second', 'dora.private@example.com');
  await salesperson('AM', 'Anna Match', upn('anna'));
  await salesperson('BT1', 'Bob Twin', upn('bob'));
  await salesperson('BT2', 'Bob Twin (old)', upn('bob'));

  await runFullSetup(
    system,
    { kind: 'user', userName: integration(), password: PASSWORD },
    { salespeople: { auto: false, createMissing: false } },
  );
});
afterAll(async () => {
  await system?.stop();
});

describe('rule A5: coupling salespeople', () => {
  it('starts with nothing coupled, listing only eligible users', async () => {
    const view = await coupling();
    const names = view.users.map((u: { fullname: string }) => u.fullname);
    expect(names).toEqual([
      'Anna Match',
      'Bob Twin',
      'Carl Coupled',
      'Dora Second',
      'Jim Olive',
      'Joan Olsen',
    ]);
    expect(view.summary).toEqual({ eligibleUsers: 6, coupledUsers: 0, uncoupledUsers: 6 });
  });

  it('couples a user to a salesperson one-to-one', async () => {
    const reply = await couple('carl', 'CC');
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ salespersonCode: 'CC', changed: true });
    expect((await couple('carl', 'CC')).body.changed).toBe(false);
  });

  it('refuses a salesperson already coupled to another user, naming that user', async () => {
    const reply = await couple('dora', 'CC');
    expect(reply.status).toBe(409);
    expect(reply.body.detail).toBe(
      'Salesperson CC (Carl Coupled) is already coupled to Carl Coupled. Uncouple Carl Coupled first, or choose another salesperson for Dora Second.',
    );
  });

  it('refuses a user already coupled, naming its salesperson', async () => {
    const reply = await couple('carl', 'DS');
    expect(reply.status).toBe(409);
    expect(reply.body.detail).toBe(
      'Carl Coupled is already coupled to salesperson CC. Uncouple Carl Coupled first to couple it to DS.',
    );
  });

  it('refuses ineligible users with the reason', async () => {
    ids.integration = (await ok(system, 'GET', '/bridge/connection')).integrationIdentity.salesUserId;
    const own = await couple('integration', 'DS');
    expect(own.status).toBe(409);
    expect(own.body.detail).toContain(
      'Integration is the integration identity, whose changes never synchronise',
    );

    const unlicensed = await couple('una', 'DS');
    expect(unlicensed.status).toBe(409);
    expect(unlicensed.body.detail).toBe(
      'Only enabled, licensed Sales users can be coupled to salespeople: Una Unlicensed is disabled in Sales and has no Sales licence (assign DYN365_ENTERPRISE_PLAN1 in the directory).',
    );

    const admin = await couple('admin', 'DS');
    expect(admin.status).toBe(409);
    expect(admin.body.detail).toContain(
      'has no Sales licence (assign DYN365_ENTERPRISE_PLAN1 in the directory)',
    );

    const noSuch = await couple('dora', 'ZZ');
    expect(noSuch.status).toBe(404);
    expect(noSuch.body.detail).toContain('The ERP has no salesperson with the code ZZ');
  });

  it('auto-matches by e-mail: couples exactly-one matches and reports the ambiguous ones', async () => {
    const result = await ok(system, 'POST', '/bridge/coupling/salespeople/auto', {});
    expect(result.coupled).toEqual([
      { systemUserId: ids.anna, fullname: 'Anna Match', salespersonCode: 'AM' },
    ]);
    expect(result.created).toEqual([]);
    const bob = result.unmatched.find((u: { fullname: string }) => u.fullname === 'Bob Twin');
    expect(bob.reason).toBe(`2 uncoupled salespeople have the e-mail ${upn('bob')} (BT1, BT2)`);
    const dora = result.unmatched.find((u: { fullname: string }) => u.fullname === 'Dora Second');
    expect(dora.reason).toBe(`no uncoupled salesperson has the e-mail ${upn('dora')}`);
    expect(result.summary).toEqual({ eligibleUsers: 6, coupledUsers: 2, uncoupledUsers: 4 });
  });

  it('creates salespeople from users with unique codes derived from their names', async () => {
    const result = await ok(system, 'POST', '/bridge/coupling/salespeople/create', {
      systemUserIds: [ids.jim, ids.joan],
    });
    const codes = result.created.map((c: { salespersonCode: string }) => c.salespersonCode);
    expect(codes).toEqual(['JO', 'JO2']);
    const erp = await ok(system, 'GET', `${base}/salespeoplePurchasers?$filter=startswith(code,'JO')`);
    expect(erp.value.map((s: { code: string; email: string }) => [s.code, s.email]).sort()).toEqual([
      ['JO', upn('jim')],
      ['JO2', upn('joan')],
    ]);
    const again = await call(system, 'POST', '/bridge/coupling/salespeople/create', {
      systemUserIds: [ids.jim],
    });
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('Jim Olive is already coupled to salesperson JO; nothing was created.');
  });

  it('uncouples', async () => {
    const removed = await ok(system, 'DELETE', `/bridge/coupling/salespeople/${ids.jim}`);
    expect(removed.systemUserId).toBe(ids.jim);
    const view = await coupling();
    expect(view.users.find((u: { fullname: string }) => u.fullname === 'Jim Olive').salesperson).toBeNull();
    expect(view.salespeople.find((s: { code: string }) => s.code === 'JO').coupledTo).toBeNull();
    const again = await call(system, 'DELETE', `/bridge/coupling/salespeople/${ids.jim}`);
    expect(again.status).toBe(404);
    expect(again.body.detail).toContain('is not coupled to a salesperson');
    expect(await auditActions()).toEqual(expect.arrayContaining(['coupling.couple', 'coupling.uncouple']));
  });
});

describe('rule A6: owners', () => {
  it('the doctor fails while a customer refers to an uncoupled salesperson, and passes once coupled', async () => {
    await ok(system, 'POST', `${base}/customers`, { displayName: 'Owned by JO', salespersonCode: 'JO' });
    const failing = (await ok(system, 'GET', '/bridge/doctor')).checks.find(
      (c: Check) => c.id === 'a6.owners-coupled',
    );
    expect(failing).toMatchObject({ rule: 'A6', status: 'fail' });
    expect(failing.message).toContain('Customers refer to salesperson JO, not coupled to a Sales user');
    expect(failing.fix).toContain('Couple salesperson JO to a Sales user');

    expect((await couple('jim', 'JO')).status).toBe(200);
    const passing = (await ok(system, 'GET', '/bridge/doctor')).checks.find(
      (c: Check) => c.id === 'a6.owners-coupled',
    );
    expect(passing.status).toBe('pass');
  });
});

describe('rule A3: edits made by a person signed in as the integration user', () => {
  it('are reported by name and record, listed, and cleared when acknowledged', async () => {
    const admin = await getToken(system.url, system.admin.upn, system.admin.password);
    const created = await webApi(system, admin, 'POST', 'accounts', {
      body: { name: 'Fabrikam Person Edit' },
      headers: { Prefer: 'return=representation' },
    });
    expect(created.status, created.text).toBe(201);
    const accountId = String(created.body.accountid);
    // The integration user is Non-interactive, but a person holding its password can still get a token.
    const token = await getToken(system.url, integration(), PASSWORD);
    const edited = await webApi(system, token, 'PATCH', `accounts(${accountId})`, {
      body: { telephone1: '+1 425 555 0100' },
    });
    expect(edited.status, edited.text).toBe(204);

    const connection = await checkNow();
    expect(connection.state).toBe('enabled');
    const warning = connection.warnings.find((c: Check) => c.id === 'a3.person-edits');
    expect(warning, JSON.stringify(connection.warnings)).toMatchObject({ rule: 'A3', status: 'warn' });
    expect(warning.message).toContain(`signed in as the integration user ${integration()}`);
    expect(warning.message).toContain('account "Fabrikam Person Edit"');
    expect(warning.fix).toContain('acknowledge');

    const edits = await ok(system, 'GET', '/bridge/connection/person-edits');
    expect(edits.value).toHaveLength(1);
    expect(edits.value[0]).toMatchObject({
      entitySet: 'accounts',
      recordId: accountId,
      recordName: 'Fabrikam Person Edit',
    });

    expect(await ok(system, 'POST', '/bridge/connection/person-edits/acknowledge')).toEqual({
      acknowledged: 1,
    });
    expect((await ok(system, 'GET', '/bridge/connection/person-edits')).value).toEqual([]);
    const after = await ok(system, 'POST', '/bridge/connection/test');
    expect(after.checks.find((c: Check) => c.id === 'a3.person-edits').status).toBe('pass');
    expect(after.connection.warnings).toEqual([]);
  });
});

describe('rule A4: the integration user is watched continuously', () => {
  it('a Non-interactive user cannot sign in to the console but can get a token', async () => {
    const response = await fetch(`${system.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userName: integration(), password: PASSWORD }),
    });
    const body = (await response.json()) as { detail: string };
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(body.detail).toContain(`${integration()} is a non-interactive user in Sales`);
    expect(body.detail).toContain('cannot sign in to the console');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await getToken(system.url, integration(), PASSWORD)).toBeTruthy();
  });

  it('switched back to Read-Write: suspended until it is Non-interactive again', async () => {
    const before = (await auditActions()).length;
    await ok(system, 'PATCH', `/sales/admin/users/${ids.integration}`, { accessmode: 0 });
    const check = await expectSuspended('a4.non-interactive');
    expect(check.message).toContain(
      `The integration user ${integration()} was switched back to the access mode Read-Write`,
    );
    expect(check.fix).toContain(`Set the access mode of ${integration()} to Non-interactive`);
    // A suspended bridge refuses to write, saying why.
    const refused = await call(system, 'POST', '/bridge/coupling/salespeople/create', {
      systemUserIds: [ids.dora],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('stopped writing');

    await ok(system, 'PATCH', `/sales/admin/users/${ids.integration}`, { accessmode: 4 });
    await expectResumed();
    const actions = (await auditActions()).slice(0, (await auditActions()).length - before);
    expect(actions).toEqual(expect.arrayContaining(['connection.suspend', 'connection.resume']));
  });

  it('given System Administrator: suspended until the role is removed', async () => {
    await giveRoles(system, [integration()], ['System Administrator']);
    const check = await expectSuspended('a2.not-system-administrator');
    expect(check.message).toContain(
      `The integration user ${integration()} has the System Administrator role`,
    );
    await giveRoles(system, [integration()], ['System Administrator'], 'remove');
    await expectResumed();
  });

  it('blocked in the directory: suspended until sign-in is allowed again', async () => {
    const id = (await directoryCall<{ id: string }>(system, 'GET', `/directory/users/${integration()}`)).id;
    await directoryCall(system, 'POST', '/directory/users/block', { userIds: [id], signInAllowed: false });
    await provisionAll(system);
    const check = await expectSuspended('a4.token');
    expect(check.message).toContain(`The integration identity ${integration()} cannot get a token`);
    expect(check.message).toContain('blocked');
    expect(check.fix).toContain(`Fix the sign-in of ${integration()}`);
    await directoryCall(system, 'POST', '/directory/users/block', { userIds: [id], signInAllowed: true });
    await provisionAll(system);
    await expectResumed();
  });

  it('its password reset: suspended until the new password is entered', async () => {
    const id = (await directoryCall<{ id: string }>(system, 'GET', `/directory/users/${integration()}`)).id;
    const changed = 'Ch4nged-Passw0rd!';
    await directoryCall(system, 'POST', `/directory/users/${id}/reset-password`, {
      password: changed,
      mustChangePassword: false,
    });
    const check = await expectSuspended('a4.token');
    expect(check.message).toContain(
      `The stored password of the integration user ${integration()} no longer works`,
    );
    expect(check.fix).toContain(`Enter the current password of ${integration()}`);
    expect(check.fix).toContain('POST /bridge/connection/credentials');

    const wrong = await call(system, 'POST', '/bridge/connection/credentials', { secret: 'Still-Wr0ng!' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.detail).toContain(`The new credentials of ${integration()} do not work`);
    expect(JSON.stringify(wrong.body)).not.toContain('Still-Wr0ng!');

    const updated = await ok(system, 'POST', '/bridge/connection/credentials', { secret: changed });
    expect(updated).toMatchObject({ state: 'enabled', writing: true });
    expect(JSON.stringify(updated)).not.toContain(changed);
    expect(await auditActions()).toContain('connection.update-credentials');
    await directoryCall(system, 'POST', `/directory/users/${id}/reset-password`, {
      password: PASSWORD,
      mustChangePassword: false,
    });
    await ok(system, 'POST', '/bridge/connection/credentials', { secret: PASSWORD });
  });

  it('a Non-interactive integration user may lose its Sales licence', async () => {
    const id = (await directoryCall<{ id: string }>(system, 'GET', `/directory/users/${integration()}`)).id;
    await directoryCall(system, 'POST', `/directory/users/${id}/assign-licences`, {
      addLicences: [],
      removeLicences: [SALES_LICENCE],
    });
    await provisionAll(system);
    const connection = await checkNow();
    expect(connection.state).toBe('enabled');
    const licensed = connection.lastCheck.checks.find((c: Check) => c.id === 'a2.licensed');
    expect(licensed).toMatchObject({
      status: 'pass',
      message: `${integration()} is Non-interactive, so it needs no Sales licence.`,
    });
    await directoryCall(system, 'POST', `/directory/users/${id}/assign-licences`, {
      addLicences: [SALES_LICENCE],
      removeLicences: [],
    });
    await provisionAll(system);
  });

  it('an interactive integration user losing its Sales licence: suspended until it has it again', async () => {
    // The administrator declines Non-interactive: a warning, not a failure.
    await ok(system, 'PATCH', `/sales/admin/users/${ids.integration}`, { accessmode: 0 });
    const results = await runFullSetup(
      system,
      { kind: 'user', userName: integration(), password: PASSWORD },
      { 'access-mode': { nonInteractive: false }, salespeople: { auto: false, createMissing: false } },
    );
    const mode = results.find((r) => r.step === 'access-mode')!.checks[0]!;
    expect(mode).toMatchObject({ id: 'a4.non-interactive', status: 'warn' });
    expect(mode.message).toContain(`${integration()} has the access mode Read-Write`);
    expect((await checkNow()).state).toBe('enabled');

    const id = (await directoryCall<{ id: string }>(system, 'GET', `/directory/users/${integration()}`)).id;
    await directoryCall(system, 'POST', `/directory/users/${id}/assign-licences`, {
      addLicences: [],
      removeLicences: [SALES_LICENCE],
    });
    await provisionAll(system);
    // Sales disables a licensed, interactive user whose licence goes, and refuses it outright.
    const check = await expectSuspended('a2.enabled');
    expect(check.message).toContain(`Sales refuses the integration identity ${integration()}`);
    expect(check.message).toContain('the Dynamics 365 Sales licence was removed in the directory');
    expect(check.fix).toContain(`give it the Sales licence DYN365_ENTERPRISE_PLAN1`);
    await directoryCall(system, 'POST', `/directory/users/${id}/assign-licences`, {
      addLicences: [SALES_LICENCE],
      removeLicences: [],
    });
    await provisionAll(system);
    await expectResumed();
  });
});

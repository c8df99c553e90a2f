import { describe, expect, it } from 'vitest';
import {
  evaluateAccessMode,
  evaluateApplicationUser,
  evaluateIntegrationRoles,
  evaluateNamedIntegrationUser,
  evaluateSetupAdministrator,
  type SalesUserFacts,
} from './account-rules.js';

const user = (overrides: Partial<SalesUserFacts> = {}): SalesUserFacts => ({
  systemuserid: '11111111-1111-1111-1111-111111111111',
  domainname: 'sync@contoso.com',
  fullname: 'Sync User',
  isdisabled: false,
  islicensed: true,
  accessmode: 0,
  applicationid: null,
  roles: ['Salesperson'],
  ...overrides,
});
const admin = { upn: 'admin@contoso.com', salesUserId: '99999999-9999-9999-9999-999999999999' };
const failing = (checks: Array<{ status: string; id: string }>) =>
  checks.filter((c) => c.status === 'fail').map((c) => c.id);

describe('A1: the setup administrator', () => {
  it('passes with System Administrator, System Customizer and a non-administrative role', () => {
    const checks = evaluateSetupAdministrator(
      user({ domainname: admin.upn, roles: ['System Administrator', 'System Customizer', 'Sales Manager'] }),
    );
    expect(failing(checks)).toEqual([]);
  });

  it('lists exactly what is missing, naming the user and the fix', () => {
    const [, roles] = evaluateSetupAdministrator(
      user({ domainname: admin.upn, roles: ['System Administrator'] }),
    );
    expect(roles!.status).toBe('fail');
    expect(roles!.message).toContain('admin@contoso.com');
    expect(roles!.message).toContain(
      'lacks the System Customizer role and a non-administrative role (for example Sales Manager)',
    );
    expect(roles!.message).not.toMatch(/lacks[^.]*System Administrator role/);
    expect(roles!.fix).toContain('admin@contoso.com');
  });

  it('does not count Integration Administrator as a non-administrative role', () => {
    const [, roles] = evaluateSetupAdministrator(
      user({ roles: ['System Administrator', 'System Customizer', 'Integration Administrator'] }),
    );
    expect(roles!.status).toBe('fail');
    expect(roles!.message).toContain('a non-administrative role');
  });

  it('refuses a disabled administrator', () => {
    expect(
      failing(
        evaluateSetupAdministrator(
          user({ isdisabled: true, roles: ['System Administrator', 'System Customizer', 'Sales Manager'] }),
        ),
      ),
    ).toEqual(['a1.enabled']);
  });
});

describe('A2: a named integration user', () => {
  it('passes a licensed, enabled user with a role and no System Administrator', () => {
    expect(failing(evaluateNamedIntegrationUser('sync@contoso.com', user(), admin))).toEqual([]);
  });

  it('refuses the admin account with the reason from the article', () => {
    const [check] = evaluateNamedIntegrationUser(
      'ADMIN@contoso.com',
      user({ domainname: 'admin@contoso.com' }),
      admin,
    );
    expect(check!.id).toBe('a2.not-admin');
    expect(check!.message).toContain('never synchronised');
    expect(check!.message).toContain('lost to the ERP');
  });

  it('refuses the admin by Sales user id too', () => {
    const [check] = evaluateNamedIntegrationUser(
      'other@contoso.com',
      user({ systemuserid: admin.salesUserId }),
      admin,
    );
    expect(check!.id).toBe('a2.not-admin');
  });

  it('gives each failure its own message', () => {
    expect(failing(evaluateNamedIntegrationUser('nobody@contoso.com', undefined, admin))).toEqual([
      'a2.exists',
    ]);
    expect(
      failing(evaluateNamedIntegrationUser('sync@contoso.com', user({ isdisabled: true }), admin)),
    ).toEqual(['a2.enabled']);
    expect(
      failing(evaluateNamedIntegrationUser('sync@contoso.com', user({ islicensed: false }), admin)),
    ).toEqual(['a2.licensed']);
    expect(failing(evaluateNamedIntegrationUser('sync@contoso.com', user({ roles: [] }), admin))).toEqual([
      'a2.has-role',
    ]);
    expect(
      failing(
        evaluateNamedIntegrationUser('sync@contoso.com', user({ roles: ['System Administrator'] }), admin),
      ),
    ).toEqual(['a2.not-system-administrator']);
  });

  it('accepts an unlicensed user that is Non-interactive', () => {
    expect(
      failing(
        evaluateNamedIntegrationUser('sync@contoso.com', user({ islicensed: false, accessmode: 4 }), admin),
      ),
    ).toEqual([]);
  });
});

describe('A4: access mode', () => {
  it('fails when the user went back to interactive after setup made it Non-interactive, warns when it was declined', () => {
    expect(evaluateAccessMode(user({ accessmode: 4 }), 4).status).toBe('pass');
    const back = evaluateAccessMode(user({ accessmode: 0 }), 4);
    expect(back.status).toBe('fail');
    expect(back.message).toContain('switched back to the access mode Read-Write');
    expect(evaluateAccessMode(user({ accessmode: 0 }), 0).status).toBe('warn');
  });
});

describe('A7: an application user', () => {
  const app = (o: Partial<SalesUserFacts> = {}) =>
    user({
      domainname: 'x@application',
      fullname: '# Tandem',
      islicensed: false,
      accessmode: 4,
      applicationid: 'a',
      roles: [],
      ...o,
    });
  it('passes an unlicensed, Non-interactive, enabled application user', () => {
    expect(failing(evaluateApplicationUser(app(), 'client-id'))).toEqual([]);
  });
  it('refuses a missing, interactive, disabled or administrator application user', () => {
    expect(failing(evaluateApplicationUser(undefined, 'client-id'))).toEqual(['a7.exists']);
    expect(failing(evaluateApplicationUser(app({ accessmode: 0 }), 'client-id'))).toEqual([
      'a7.non-interactive',
    ]);
    expect(failing(evaluateApplicationUser(app({ isdisabled: true }), 'client-id'))).toEqual(['a7.enabled']);
    expect(failing(evaluateApplicationUser(app({ roles: ['System Administrator'] }), 'client-id'))).toEqual([
      'a7.not-system-administrator',
    ]);
  });
});

describe('integration roles', () => {
  it('names the missing role and the fix', () => {
    const check = evaluateIntegrationRoles(user({ roles: ['Integration User'] }), 'A2');
    expect(check.status).toBe('fail');
    expect(check.message).toContain('Integration Administrator');
    expect(check.fix).toContain('Redeploy');
    expect(
      evaluateIntegrationRoles(user({ roles: ['Integration User', 'Integration Administrator'] }), 'A2')
        .status,
    ).toBe('pass');
  });
});

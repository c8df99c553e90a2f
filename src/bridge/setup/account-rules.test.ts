import { describe, expect, it } from 'vitest';
import {
  evaluateAccessMode,
  evaluateApplicationUser,
  evaluateIntegrationRoles,
  evaluateNamedIntegrationUser,
  evaluateSetupAdministrator,
  integrationUserState,
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

describe('the words of every check (what a person reads to fix the account)', () => {
  const words = (
    checks: Array<{ rule?: string; id: string; status: string; message: string; fix?: string }>,
  ) => checks.map((c) => [c.rule, c.id, c.status, c.message, c.fix ?? '']);
  const appUser = user({
    domainname: 'app@contoso.com',
    fullname: '#  Tandem bridge',
    applicationid: 'client-1',
    islicensed: false,
    accessmode: 4,
    roles: ['Integration Administrator', 'Integration User'],
  });

  it('A1: a disabled administrator with no roles, and one that has them all', () => {
    expect(
      words(
        evaluateSetupAdministrator(
          user({ domainname: admin.upn, isdisabled: true, disabledreason: 'Licence removed...', roles: [] }),
        ),
      ),
    ).toMatchSnapshot();
    expect(
      words(
        evaluateSetupAdministrator(
          user({
            domainname: admin.upn,
            roles: ['System Customizer', 'Salesperson', 'System Administrator'],
          }),
        ),
      ),
    ).toMatchSnapshot();
  });

  it('A2: a missing user, the administrator, and users failing each way', () => {
    expect(words(evaluateNamedIntegrationUser('nobody@contoso.com', undefined, admin))).toMatchSnapshot();
    expect(
      words(evaluateNamedIntegrationUser(admin.upn, user({ domainname: admin.upn }), admin)),
    ).toMatchSnapshot();
    expect(
      words(
        evaluateNamedIntegrationUser(
          'sync@contoso.com',
          user({ isdisabled: true, islicensed: false, accessmode: 3, roles: ['System Administrator'] }),
          admin,
        ),
      ),
    ).toMatchSnapshot();
    expect(
      words(evaluateNamedIntegrationUser('sync@contoso.com', user({ roles: [] }), undefined)),
    ).toMatchSnapshot();
  });

  it('A7: a missing, a good and a bad application user', () => {
    expect(words(evaluateApplicationUser(undefined, 'client-1'))).toMatchSnapshot();
    expect(words(evaluateApplicationUser(appUser, 'client-1'))).toMatchSnapshot();
    expect(
      words(
        evaluateApplicationUser(
          { ...appUser, isdisabled: true, islicensed: true, accessmode: 0, roles: ['System Administrator'] },
          'client-1',
        ),
      ),
    ).toMatchSnapshot();
  });

  it('integration roles for A2 and A7: none, one or both missing', () => {
    for (const rule of ['A2', 'A7'] as const) {
      expect(words([evaluateIntegrationRoles({ ...appUser, roles: [] }, rule)])).toMatchSnapshot();
      expect(
        words([evaluateIntegrationRoles({ ...appUser, roles: ['Integration User'] }, rule)]),
      ).toMatchSnapshot();
      expect(words([evaluateIntegrationRoles(appUser, rule)])).toMatchSnapshot();
    }
  });

  it('roles the integration identity cannot read: Integration Administrator is gone, a role it has', () => {
    const hidden = user({ roles: [], rolesHidden: true });
    for (const rule of ['A2', 'A7'] as const) {
      expect(words([evaluateIntegrationRoles(hidden, rule)])).toMatchSnapshot();
    }
    expect(words(integrationUserState(hidden))).toMatchSnapshot();
    // Hidden is not "none": a user shown no roles by an identity that can read roles has none.
    expect(failing(integrationUserState(user({ roles: [] })))).toEqual(['a2.has-role']);
  });

  it('words taken from Sales as they are: a reason with dots inside, a name with # inside, an unlicensed Non-interactive user', () => {
    const [enabled] = integrationUserState(
      user({ isdisabled: true, disabledreason: 'Licence removed by admin@contoso.com...' }),
    );
    expect(enabled!.message).toBe(
      'The integration user sync@contoso.com is disabled in Sales (Sales says: Licence removed by admin@contoso.com).',
    );
    const [exists] = evaluateApplicationUser({ ...appUser, fullname: 'Tandem #2 bridge' }, 'client-1');
    expect(exists!.message).toBe('Tandem #2 bridge is the application user of client-1.');
    const licensed = integrationUserState(user({ islicensed: false, accessmode: 4 })).find(
      (c) => c.id === 'a2.licensed',
    );
    expect(licensed).toMatchObject({
      status: 'pass',
      message: 'sync@contoso.com is Non-interactive, so it needs no Sales licence.',
    });
  });

  it('A4: each access mode against what setup did', () => {
    for (const expected of [4, null]) {
      for (const accessmode of [0, 1, 2, 3, 4, 5, 9]) {
        expect(words([evaluateAccessMode(user({ accessmode }), expected)])).toMatchSnapshot();
      }
    }
  });
});

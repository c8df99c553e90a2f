import { describe, expect, it } from 'vitest';
import type { UserSnapshot } from '../directory/index.js';
import { isSalesLicence } from './licences.js';
import { desiredState } from './provisioning.js';

const user = (overrides: Partial<UserSnapshot> = {}): UserSnapshot => ({
  id: '11111111-1111-4111-8111-111111111111',
  deleted: false,
  userPrincipalName: 'ann@contoso.com',
  displayName: 'Ann',
  firstName: null,
  lastName: null,
  jobTitle: null,
  department: null,
  officePhone: null,
  mobilePhone: null,
  alternateEmail: null,
  signInAllowed: true,
  directoryRole: 'user',
  licences: [],
  mustChangePassword: false,
  passwordChangedAt: null,
  rowVersion: 1,
  ...overrides,
});

describe('provisioning rules', () => {
  it('knows the Sales licences and nothing else', () => {
    for (const part of [
      'DYN365_ENTERPRISE_PLAN1',
      'DYN365_ENTERPRISE_SALES',
      'DYN365_SALES_PREMIUM',
      'dyn365_enterprise_team_members',
    ]) {
      expect(isSalesLicence(part), part).toBe(true);
    }
    for (const part of ['DYN365_BUSCENTRAL_ESSENTIAL', 'O365_BUSINESS', 'POWERAPPS_PER_USER']) {
      expect(isSalesLicence(part), part).toBe(false);
    }
  });

  it('creates only licensed users and administrators', () => {
    expect(desiredState(user(), undefined)).toBeUndefined();
    expect(desiredState(user({ licences: ['DYN365_BUSCENTRAL_ESSENTIAL'] }), undefined)).toBeUndefined();
    expect(desiredState(user({ licences: ['DYN365_ENTERPRISE_PLAN1'] }), undefined)).toEqual({
      enabled: true,
      licensed: true,
      reason: null,
    });
    expect(desiredState(user({ directoryRole: 'global_administrator' }), undefined)).toEqual({
      enabled: true,
      licensed: false,
      reason: null,
    });
    // A User administrator is not a tenant administrator for Sales.
    expect(desiredState(user({ directoryRole: 'user_administrator' }), undefined)).toBeUndefined();
  });

  it('disables on licence loss, block and deletion, except Non-interactive users without a licence', () => {
    const existing = { accessmode: 0 };
    expect(desiredState(user(), existing)).toMatchObject({
      enabled: false,
      reason: expect.stringMatching(/licence was removed/),
    });
    expect(
      desiredState(user({ licences: ['DYN365_ENTERPRISE_PLAN1'], signInAllowed: false }), existing),
    ).toMatchObject({
      enabled: false,
      licensed: true,
      reason: expect.stringMatching(/blocked/),
    });
    expect(desiredState({ id: 'x', deleted: true }, existing)).toMatchObject({
      enabled: false,
      reason: expect.stringMatching(/deleted/),
    });
    expect(desiredState({ id: 'x', deleted: true }, undefined)).toBeUndefined();
    expect(desiredState(user(), { accessmode: 4 })).toEqual({ enabled: true, licensed: false, reason: null });
    // Non-interactive does not override a block.
    expect(desiredState(user({ signInAllowed: false }), { accessmode: 4 })).toMatchObject({ enabled: false });
  });
});

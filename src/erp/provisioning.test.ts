import { describe, expect, it } from 'vitest';
import type { UserSnapshot } from '../directory/index.js';
import { desiredState } from './provisioning.js';

const base: UserSnapshot = {
  id: '11111111-1111-1111-1111-111111111111',
  deleted: false,
  userPrincipalName: 'a@contoso.com',
  displayName: 'A',
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
};

describe('which directory users are ERP users', () => {
  it('a Business Central licence makes an enabled user', () => {
    expect(desiredState({ ...base, licences: ['DYN365_BUSCENTRAL_ESSENTIAL'] })).toMatchObject({
      eligible: true,
    });
    expect(desiredState({ ...base, licences: ['DYN365_BUSCENTRAL_TEAM_MEMBER'] }).eligible).toBe(true);
  });
  it('other licences do not', () => {
    const state = desiredState({ ...base, licences: ['DYN365_ENTERPRISE_PLAN1'] });
    expect(state.eligible).toBe(false);
    expect(state.reason).toMatch(/no Business Central licence; assign one in the directory/);
  });
  it('Global administrators need no licence', () => {
    expect(desiredState({ ...base, directoryRole: 'global_administrator' })).toMatchObject({
      eligible: true,
      admin: true,
    });
  });
  it('blocked sign-in and deletion disable', () => {
    expect(
      desiredState({ ...base, licences: ['DYN365_BUSCENTRAL_PREMIUM'], signInAllowed: false }).reason,
    ).toMatch(/blocked/);
    expect(desiredState({ id: base.id, deleted: true }).reason).toMatch(/deleted/);
  });
});

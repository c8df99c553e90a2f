import { describe, expect, it } from 'vitest';
import type { UserSnapshot } from '../directory/index.js';
import { desiredState, hasBusinessCentralLicence } from './provisioning.js';

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

describe('the ERP user a directory user should be, whole', () => {
  const licensed = { ...base, licences: ['DYN365_ENTERPRISE_PLAN1', 'DYN365_BUSCENTRAL_ESSENTIAL'] };

  it('a licensed user who may sign in: enabled, licensed, not an administrator', () => {
    expect(desiredState(licensed)).toEqual({ eligible: true, admin: false, licensed: true, reason: null });
    expect(hasBusinessCentralLicence(licensed)).toBe(true);
  });

  it('the licence is recognised by its part number prefix only', () => {
    expect(hasBusinessCentralLicence({ ...base, licences: ['X_DYN365_BUSCENTRAL'] })).toBe(false);
    expect(hasBusinessCentralLicence({ ...base, licences: ['DYN365_BUSCENTRA'] })).toBe(false);
    expect(hasBusinessCentralLicence({ ...base, licences: [] })).toBe(false);
  });

  it('a Global administrator without a licence: enabled, an administrator, not licensed', () => {
    expect(desiredState({ ...base, directoryRole: 'global_administrator' })).toEqual({
      eligible: true,
      admin: true,
      licensed: false,
      reason: null,
    });
    // A User administrator is no ERP administrator, and needs a licence like anyone.
    expect(desiredState({ ...base, directoryRole: 'user_administrator' })).toEqual({
      eligible: false,
      admin: false,
      licensed: false,
      reason: 'the user has no Business Central licence; assign one in the directory',
    });
  });

  it('blocked sign-in disables even a licensed Global administrator, keeping what it is', () => {
    expect(
      desiredState({ ...licensed, directoryRole: 'global_administrator', signInAllowed: false }),
    ).toEqual({
      eligible: false,
      admin: true,
      licensed: true,
      reason: 'sign-in is blocked in the directory; allow sign-in there',
    });
    expect(desiredState({ ...base, signInAllowed: false })).toEqual({
      eligible: false,
      admin: false,
      licensed: false,
      reason: 'sign-in is blocked in the directory; allow sign-in there',
    });
  });

  it('a deleted user: disabled, nothing more', () => {
    expect(desiredState({ id: base.id, deleted: true })).toEqual({
      eligible: false,
      admin: false,
      licensed: false,
      reason: 'the user was deleted from the directory',
    });
  });
});

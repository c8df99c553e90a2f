import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/http/app-error.js';
import { decodeSkipToken, encodeSkipToken, parseOrderBy, prefixPattern, toUserView } from './user-query.js';

describe('parseOrderBy', () => {
  it('defaults to display name ascending', () => {
    expect(parseOrderBy(undefined)).toEqual({ key: 'displayName', descending: false });
    expect(parseOrderBy('  ')).toEqual({ key: 'displayName', descending: false });
  });

  it('reads a key with an optional direction', () => {
    expect(parseOrderBy('createdAt desc')).toEqual({ key: 'createdAt', descending: true });
    expect(parseOrderBy('userPrincipalName ASC')).toEqual({ key: 'userPrincipalName', descending: false });
  });

  it('refuses unknown keys and extra words, naming what is allowed', () => {
    for (const bad of ['passwordHash', 'displayName sideways', 'displayName desc extra']) {
      const error = (() => {
        try {
          parseOrderBy(bad);
        } catch (e) {
          return e as AppError;
        }
        return undefined;
      })();
      expect(error?.code).toBe('ValidationFailed');
      expect(error?.message).toContain('displayName, userPrincipalName, createdAt');
    }
  });
});

describe('skip tokens', () => {
  const order = { key: 'createdAt' as const, descending: true };
  const token = {
    ...order,
    value: '2025-01-02 03:04:05.123456+00',
    id: '6f1c2a8e-5b0d-4c3e-9a7f-1234567890ab',
  };

  it('round-trip exactly, microseconds included', () => {
    expect(decodeSkipToken(encodeSkipToken(token), order)).toEqual(token);
  });

  it('are refused for another sort order', () => {
    expect(() => decodeSkipToken(encodeSkipToken(token), { key: 'createdAt', descending: false })).toThrow(
      /skipToken/,
    );
    expect(() => decodeSkipToken(encodeSkipToken(token), { key: 'displayName', descending: true })).toThrow(
      /skipToken/,
    );
  });

  it('are refused when forged or garbled', () => {
    expect(() => decodeSkipToken('not-a-token', order)).toThrow(AppError);
    const forged = Buffer.from(JSON.stringify(['createdAt', 1, 'x', "1' or 1=1"])).toString('base64url');
    expect(() => decodeSkipToken(forged, order)).toThrow(/skipToken/);
  });
});

describe('prefixPattern', () => {
  it('matches the text literally at the start', () => {
    expect(prefixPattern('chris')).toBe('chris%');
    expect(prefixPattern('100%_a\\b')).toBe('100\\%\\_a\\\\b%');
  });
});

describe('toUserView', () => {
  it('never exposes the password hash and formats dates as ISO', () => {
    const at = new Date('2025-03-04T05:06:07.000Z');
    const view = toUserView(
      {
        id: 'u1',
        userPrincipalName: 'a@contoso.com',
        firstName: null,
        lastName: null,
        displayName: 'A',
        jobTitle: null,
        department: null,
        officeNumber: null,
        officePhone: null,
        mobilePhone: null,
        fax: null,
        alternateEmail: null,
        address: null,
        city: null,
        state: null,
        postalCode: null,
        country: null,
        usageLocation: 'US',
        signInAllowed: true,
        directoryRole: 'user',
        protectedFor: null,
        passwordHash: 'scrypt$secret',
        mustChangePassword: true,
        passwordChangedAt: at,
        createdAt: at,
        modifiedAt: at,
        modifiedBy: 'x',
        rowVersion: 7,
      },
      [],
    );
    expect(JSON.stringify(view)).not.toContain('secret');
    expect(view).not.toHaveProperty('passwordHash');
    expect(view.createdAt).toBe('2025-03-04T05:06:07.000Z');
    expect(view.rowVersion).toBe(7);
  });
});

import { describe, expect, it } from 'vitest';
import { authorityFromChallenge, checkSalesUrl } from './step-sales-url.js';

describe('checkSalesUrl', () => {
  it('accepts https and normalises to the origin', () => {
    expect(checkSalesUrl(' https://sales.contoso.com/ ', false)).toEqual({
      ok: true,
      url: 'https://sales.contoso.com',
    });
    expect(checkSalesUrl('sales.contoso.com', false)).toEqual({ ok: true, url: 'https://sales.contoso.com' });
    const withPath = checkSalesUrl('https://sales.contoso.com/main.aspx?appid=1', false);
    expect(withPath).toMatchObject({ ok: true, url: 'https://sales.contoso.com' });
    expect(withPath.ok && withPath.note).toContain('/main.aspx?appid=1');
  });

  it('refuses http unless allowed, and then only for loopback', () => {
    const refused = checkSalesUrl('http://127.0.0.1:3000', false);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.check.fix).toContain('allowHttp');
    expect(checkSalesUrl('http://127.0.0.1:3000', true)).toEqual({ ok: true, url: 'http://127.0.0.1:3000' });
    expect(checkSalesUrl('http://localhost:3000', true).ok).toBe(true);
    expect(checkSalesUrl('http://[::1]:3000', true).ok).toBe(true);
    const remote = checkSalesUrl('http://sales.contoso.com', true);
    expect(!remote.ok && remote.check.message).toContain('only for a loopback address');
  });

  it('refuses what is not a web address, and credentials in it', () => {
    expect(checkSalesUrl('http://', true).ok).toBe(false);
    expect(checkSalesUrl('ftp://sales.contoso.com', true).ok).toBe(false);
    const creds = checkSalesUrl('https://admin:secret@sales.contoso.com', false);
    expect(!creds.ok && creds.check.message).not.toContain('secret');
  });
});

describe('authorityFromChallenge', () => {
  it('reads the directory from a Dataverse-style challenge', () => {
    expect(
      authorityFromChallenge('Bearer authorization_uri="http://127.0.0.1:3000/oauth2/v2.0/authorize"'),
    ).toBe('http://127.0.0.1:3000');
    expect(
      authorityFromChallenge(
        'Bearer authorization_uri="https://login.contoso.com/tenant-1/oauth2/v2.0/authorize"',
      ),
    ).toBe('https://login.contoso.com/tenant-1');
    expect(authorityFromChallenge(null)).toBeUndefined();
    expect(authorityFromChallenge('Bearer')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ErpError } from '../errors.js';
import { parseODataPath } from './odata-path.js';

const C = 'F2A5738A-44E3-EA11-BB43-000D3A2FECA1';

describe('OData resource paths', () => {
  it('splits names and keys', () => {
    expect(parseODataPath(`/companies(${C})/customers(${C})`)).toEqual([
      { name: 'companies', key: C.toLowerCase() },
      { name: 'customers', key: C.toLowerCase() },
    ]);
    expect(parseODataPath('companies')).toEqual([{ name: 'companies' }]);
    expect(parseODataPath('$batch')).toEqual([{ name: '$batch' }]);
    expect(parseODataPath('')).toEqual([]);
  });

  it('reads quoted string keys and percent-encoding', () => {
    expect(parseODataPath("users(x)/permissionSets('SALES')".replace('(x)', `(${C})`))[1]).toEqual({
      name: 'permissionSets',
      key: 'SALES',
    });
    expect(parseODataPath("permissionSets('O''BRIEN')")[0]!.key).toBe("O'BRIEN");
    expect(parseODataPath(`companies%28${C}%29`)[0]!.key).toBe(C.toLowerCase());
  });

  it('refuses malformed keys with BadRequest_InvalidRequestUrl', () => {
    for (const bad of [
      'companies(123)',
      'companies(',
      'companies()',
      "x('a'b')",
      'cust omers',
      'a/%E0%A4%A',
      'companies(abc)x',
    ]) {
      let error: unknown;
      try {
        parseODataPath(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(ErpError);
      expect((error as ErpError).bcCode).toBe('BadRequest_InvalidRequestUrl');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { parseResourcePath } from './resource-path.js';

const ID = '00000000-0000-0000-0000-000000000001';

describe('Web API resource paths', () => {
  it('reads entity sets, keys, alternate keys, navigations, $ref, $count and function calls', () => {
    expect(parseResourcePath('')).toEqual([]);
    expect(parseResourcePath('accounts')).toEqual([{ name: 'accounts' }]);
    expect(parseResourcePath('accounts/$count')).toEqual([{ name: 'accounts' }, { name: '$count' }]);
    expect(parseResourcePath(`accounts(${ID.toUpperCase()})`)).toEqual([
      { name: 'accounts', key: { kind: 'single', value: { type: 'guid', value: ID } } },
    ]);
    expect(parseResourcePath(`accounts(accountnumber='A''1')`)).toEqual([
      {
        name: 'accounts',
        key: { kind: 'named', pairs: [{ name: 'accountnumber', value: { type: 'string', value: "A'1" } }] },
      },
    ]);
    expect(parseResourcePath(`contacts(firstname='Joe',emailaddress1='abc%40example.com')`)[0]!.key).toEqual({
      kind: 'named',
      pairs: [
        { name: 'firstname', value: { type: 'string', value: 'Joe' } },
        { name: 'emailaddress1', value: { type: 'string', value: 'abc@example.com' } },
      ],
    });
    expect(
      parseResourcePath(`systemusers(${ID})/systemuserroles_association(${ID})/$ref`).map((s) => s.name),
    ).toEqual(['systemusers', 'systemuserroles_association', '$ref']);
    expect(parseResourcePath('WhoAmI()')).toEqual([{ name: 'WhoAmI', call: true }]);
    expect(parseResourcePath(`accounts(name='a,b')`)[0]!.key).toEqual({
      kind: 'named',
      pairs: [{ name: 'name', value: { type: 'string', value: 'a,b' } }],
    });
  });

  it('refuses ill-formed segments with a message that says what to write', () => {
    expect(() => parseResourcePath('accounts(abc)')).toThrow(/not a GUID, a number or a quoted string/);
    expect(() => parseResourcePath(`accounts(name='x)`)).toThrow(/closing quote/);
    expect(() => parseResourcePath(`accounts(name='x'y')`)).toThrow(/unescaped quote|closing quote/);
    expect(() => parseResourcePath('accounts(1')).toThrow(/does not close/);
    expect(() => parseResourcePath('accounts//x')).toThrow(/empty segment/);
    expect(() => parseResourcePath(`accounts('a','b')`)).toThrow(/name each one/);
    expect(() => parseResourcePath('accounts%ZZ')).toThrow(/percent-encoded/);
    expect(() => parseResourcePath(`accounts(a='1',a='2')`)).toThrow(/twice/);
  });
});

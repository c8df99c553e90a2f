import { describe, expect, it } from 'vitest';
import { compileRecordFilter, filterProperties, requiredEqualities } from './filter-evaluate.js';

describe('compileRecordFilter', () => {
  it('evaluates the default mappings’ filters on records as the APIs return them', () => {
    const customer = compileRecordFilter("blocked eq ' '");
    expect(customer({ blocked: ' ' })).toBe(true);
    expect(customer({ blocked: 'All' })).toBe(false);
    const contact = compileRecordFilter("type eq 'Person' and companyNumber ne ''");
    expect(contact({ type: 'Person', companyNumber: 'C1' })).toBe(true);
    expect(contact({ type: 'Person', companyNumber: '' })).toBe(false);
    expect(contact({ type: 'Company', companyNumber: 'C1' })).toBe(false);
    const salesContact = compileRecordFilter('statecode eq 0 and _parentcustomerid_value ne null');
    expect(salesContact({ statecode: 0, _parentcustomerid_value: 'x' })).toBe(true);
    expect(salesContact({ statecode: 0, _parentcustomerid_value: null })).toBe(false);
    expect(salesContact({ statecode: 0 })).toBe(false);
    const users = compileRecordFilter(
      'isdisabled eq false and islicensed eq true and isintegrationuser eq false',
    );
    expect(users({ isdisabled: false, islicensed: true, isintegrationuser: false })).toBe(true);
    expect(users({ isdisabled: false, islicensed: true, isintegrationuser: true })).toBe(false);
  });

  it('compares numbers by value, orders, in-lists, not, or and string functions', () => {
    expect(compileRecordFilter('creditlimit gt 100')({ creditlimit: 150.5 })).toBe(true);
    expect(compileRecordFilter('creditlimit gt 100')({ creditlimit: null })).toBe(false);
    expect(compileRecordFilter("code in ('EUR','USD')")({ code: 'USD' })).toBe(true);
    expect(compileRecordFilter("not (code eq 'USD') or x eq 1")({ code: 'USD', x: 1 })).toBe(true);
    expect(compileRecordFilter("startswith(name,'Ad')")({ name: 'Adatum' })).toBe(true);
    expect(compileRecordFilter("tolower(name) eq 'adatum'")({ name: 'Adatum' })).toBe(true);
  });

  it('lets every record pass without a filter, and refuses a malformed one', () => {
    expect(compileRecordFilter(null)({})).toBe(true);
    expect(() => compileRecordFilter('name eq')).toThrow();
  });

  it('lists the properties read and the equalities every passing record meets', () => {
    expect(filterProperties("type eq 'Person' and companyNumber ne ''").sort()).toEqual([
      'companyNumber',
      'type',
    ]);
    expect(requiredEqualities("type eq 'Person' and companyNumber ne ''")).toEqual({ type: 'Person' });
    expect(requiredEqualities('a eq 1 or b eq 2')).toEqual({});
  });
});

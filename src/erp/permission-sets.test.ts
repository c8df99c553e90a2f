import { describe, expect, it } from 'vitest';
import {
  allows,
  ERP_OBJECTS,
  findPermissionSet,
  OBJECT_CAPTIONS,
  PERMISSION_SETS,
  RIGHTS,
} from './permission-sets.js';

describe('permission sets', () => {
  it('SUPER may do everything', () => {
    for (const object of ERP_OBJECTS) expect(allows(['SUPER'], object, 'delete')).toBe(true);
  });

  it('INTEGRATION can do the bridge work and nothing administrative', () => {
    for (const object of ['customer', 'contact', 'salesperson', 'item', 'opportunity'] as const)
      for (const right of ['read', 'insert', 'modify', 'delete'] as const)
        expect(allows(['INTEGRATION'], object, right)).toBe(true);
    expect(allows(['INTEGRATION'], 'currency', 'insert')).toBe(true);
    expect(allows(['INTEGRATION'], 'currency', 'delete')).toBe(false);
    expect(allows(['INTEGRATION'], 'paymentTerm', 'read')).toBe(true);
    expect(allows(['INTEGRATION'], 'paymentTerm', 'insert')).toBe(false);
    expect(allows(['INTEGRATION'], 'changeFeed', 'read')).toBe(true);
    for (const object of ['user', 'permissionAssignment', 'auditLog'] as const)
      expect(allows(['INTEGRATION'], object, 'read')).toBe(false);
    expect(allows(['INTEGRATION'], 'company', 'insert')).toBe(false);
  });

  it('BASIC reads but never writes; sets add up', () => {
    expect(allows(['BASIC'], 'customer', 'read')).toBe(true);
    expect(allows(['BASIC'], 'customer', 'insert')).toBe(false);
    expect(allows(['BASIC', 'SALES'], 'customer', 'insert')).toBe(true);
    expect(allows([], 'customer', 'read')).toBe(false);
    expect(allows(['BASIC'], 'opportunity', 'read')).toBe(true);
    expect(allows(['BASIC'], 'opportunity', 'insert')).toBe(false);
    for (const right of ['read', 'insert', 'modify', 'delete'] as const)
      expect(allows(['SALES'], 'opportunity', right)).toBe(true);
  });

  it('finds sets by code regardless of case', () => {
    expect(findPermissionSet('integration')?.code).toBe('INTEGRATION');
    expect(findPermissionSet('NOPE')).toBeUndefined();
    expect(PERMISSION_SETS.map((s) => s.code)).toEqual(['SUPER', 'BASIC', 'SALES', 'INTEGRATION']);
  });
});

describe('every right of every set, as granted (a change here is a change of who may do what)', () => {
  /** Each set's rights per object, as BC shows them: R, I, M, D; objects without rights left out. */
  function matrix(code: string): Record<string, string> {
    const rights: Record<string, string> = {};
    for (const object of ERP_OBJECTS) {
      const granted = (['read', 'insert', 'modify', 'delete'] as const)
        .filter((right) => allows([code], object, right))
        .map((right) => right[0]!.toUpperCase())
        .join('');
      if (granted) rights[object] = granted;
    }
    return rights;
  }
  const readMasterData = {
    company: 'R',
    generalLedgerSetup: 'R',
    salesperson: 'R',
    customer: 'R',
    contact: 'R',
    item: 'R',
    currency: 'R',
    unitOfMeasure: 'R',
    paymentTerm: 'R',
    opportunity: 'R',
  };

  it('SUPER: everything on every object, the administrative ones included', () => {
    expect(matrix('SUPER')).toEqual(Object.fromEntries(ERP_OBJECTS.map((object) => [object, 'RIMD'])));
    expect(ERP_OBJECTS).toEqual([
      'company',
      'generalLedgerSetup',
      'salesperson',
      'customer',
      'contact',
      'item',
      'currency',
      'unitOfMeasure',
      'paymentTerm',
      'opportunity',
      'changeFeed',
      'user',
      'permissionAssignment',
      'auditLog',
    ]);
  });

  it('BASIC reads the master data; SALES also maintains customers, contacts and opportunities', () => {
    expect(matrix('BASIC')).toEqual(readMasterData);
    expect(matrix('SALES')).toEqual({
      ...readMasterData,
      customer: 'RIMD',
      contact: 'RIMD',
      opportunity: 'RIMD',
    });
  });

  it('INTEGRATION: what the bridge synchronises, reading the change feed, nothing administrative', () => {
    expect(matrix('INTEGRATION')).toEqual({
      ...readMasterData,
      salesperson: 'RIMD',
      customer: 'RIMD',
      contact: 'RIMD',
      item: 'RIMD',
      currency: 'RI',
      opportunity: 'RIMD',
      changeFeed: 'R',
    });
  });

  it('names each set and captions each object as Business Central does', () => {
    expect(PERMISSION_SETS.map((s) => [s.code, s.name])).toEqual([
      ['SUPER', 'This role has all permissions.'],
      ['BASIC', 'Basic read access to master data'],
      ['SALES', 'Sales: maintain customers, contacts and opportunities'],
      ['INTEGRATION', 'Dynamics 365 Sales integration'],
    ]);
    expect(OBJECT_CAPTIONS).toEqual({
      company: 'Company',
      generalLedgerSetup: 'General Ledger Setup',
      salesperson: 'Salesperson/Purchaser',
      customer: 'Customer',
      contact: 'Contact',
      item: 'Item',
      currency: 'Currency',
      unitOfMeasure: 'Unit of Measure',
      paymentTerm: 'Payment Terms',
      opportunity: 'Opportunity',
      changeFeed: 'Change Feed',
      user: 'User',
      permissionAssignment: 'Access Control',
      auditLog: 'Audit Log',
    });
    expect(RIGHTS).toEqual(['read', 'insert', 'modify', 'delete']);
  });

  it('an unknown set grants nothing, and one set granting is enough', () => {
    expect(allows(['NOPE'], 'customer', 'read')).toBe(false);
    expect(allows(['NOPE', 'BASIC'], 'customer', 'read')).toBe(true);
    expect(allows(['basic'], 'customer', 'read')).toBe(true);
    expect(allows(['BASIC', 'NOPE'], 'customer', 'insert')).toBe(false);
  });
});

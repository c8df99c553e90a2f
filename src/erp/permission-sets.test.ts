import { describe, expect, it } from 'vitest';
import { allows, ERP_OBJECTS, findPermissionSet, PERMISSION_SETS } from './permission-sets.js';

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

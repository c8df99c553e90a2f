import { describe, expect, it } from 'vitest';
import {
  DEPTH_LABEL,
  depthNeeded,
  depthReaches,
  DEPTHS,
  effectiveDepth,
  isDepth,
  isRight,
  isSecuredTable,
  RIGHTS,
  maxDepth,
  privilegeName,
  type Depth,
  type RecordReach,
} from './depth.js';

const reach = (
  ownsRecord: boolean,
  sameBusinessUnit: boolean,
  inBusinessUnitSubtree: boolean,
): RecordReach => ({
  ownsRecord,
  sameBusinessUnit,
  inBusinessUnitSubtree,
});

describe('privilege depths', () => {
  it('names privileges as Dataverse does', () => {
    expect(privilegeName('account', 'Write')).toBe('prvWriteAccount');
    expect(privilegeName('contact', 'AppendTo')).toBe('prvAppendToContact');
    expect(privilegeName('systemuser', 'Read')).toBe('prvReadUser');
    expect(privilegeName('role', 'Assign')).toBe('prvAssignRole');
    expect(privilegeName('transactioncurrency', 'Create')).toBe('prvCreateTransactionCurrency');
  });

  it('orders depths and takes the deepest of two (roles add up)', () => {
    expect(maxDepth('User', 'BusinessUnit')).toBe('BusinessUnit');
    expect(maxDepth('Organization', 'None')).toBe('Organization');
    expect(maxDepth('ParentChildBusinessUnit', 'BusinessUnit')).toBe('ParentChildBusinessUnit');
  });

  it('needs the smallest depth that reaches the record', () => {
    expect(depthNeeded(reach(true, true, true))).toBe('User');
    expect(depthNeeded(reach(false, true, true))).toBe('BusinessUnit');
    expect(depthNeeded(reach(false, false, true))).toBe('ParentChildBusinessUnit');
    expect(depthNeeded(reach(false, false, false))).toBe('Organization');
  });

  it('reaches a record exactly when the depth is at least the one needed', () => {
    const cases: Array<[RecordReach, Depth[]]> = [
      [reach(true, true, true), ['User', 'BusinessUnit', 'ParentChildBusinessUnit', 'Organization']],
      [reach(false, true, true), ['BusinessUnit', 'ParentChildBusinessUnit', 'Organization']],
      [reach(false, false, true), ['ParentChildBusinessUnit', 'Organization']],
      [reach(false, false, false), ['Organization']],
    ];
    for (const [where, allowed] of cases) {
      for (const depth of DEPTHS)
        expect(depthReaches(depth, where), `${depth} ${JSON.stringify(where)}`).toBe(allowed.includes(depth));
    }
  });

  it('gives organisation-owned tables only None or Organization', () => {
    expect(effectiveDepth('product', 'User')).toBe('Organization');
    expect(effectiveDepth('transactioncurrency', 'BusinessUnit')).toBe('Organization');
    expect(effectiveDepth('product', 'None')).toBe('None');
    expect(effectiveDepth('account', 'User')).toBe('User');
  });
});

describe('the names of the privilege model', () => {
  it('recognises rights, depths and secured tables by their exact names only', () => {
    expect(RIGHTS.filter(isRight)).toEqual([...RIGHTS]);
    expect(['read', 'Admin', '', 'toString'].some(isRight)).toBe(false);
    expect(DEPTHS.filter(isDepth)).toEqual([...DEPTHS]);
    expect(['Global', 'organization', '', 'constructor'].some(isDepth)).toBe(false);
    expect(isSecuredTable('account')).toBe(true);
    expect(isSecuredTable('businessunit')).toBe(true);
    expect(['Account', 'lead', '', 'toString', 'hasOwnProperty'].some(isSecuredTable)).toBe(false);
  });

  it('labels depths as the role editor shows them', () => {
    expect(DEPTHS.map((depth) => DEPTH_LABEL[depth])).toEqual([
      'None',
      'User',
      'Business Unit',
      'Parent: Child Business Units',
      'Organization',
    ]);
  });
});

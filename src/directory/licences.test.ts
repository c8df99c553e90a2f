import { describe, expect, it } from 'vitest';
import { toLicenceView } from './licences.js';

describe('toLicenceView', () => {
  const sku = { id: 's', partNumber: 'DYN365_ENTERPRISE_PLAN1', name: 'Plan 1', seats: 25, consumed: 7 };

  it('shows free seats as seats minus consumed', () => {
    expect(toLicenceView(sku)).toEqual({
      skuId: 's',
      partNumber: 'DYN365_ENTERPRISE_PLAN1',
      name: 'Plan 1',
      seats: 25,
      consumed: 7,
      available: 18,
    });
  });

  it('never shows negative availability when seats were lowered below what is assigned', () => {
    expect(toLicenceView({ ...sku, seats: 5 }).available).toBe(0);
  });
});

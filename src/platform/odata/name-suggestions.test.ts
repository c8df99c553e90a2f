import { describe, expect, it } from 'vitest';
import { nearbyNames, suggestionSentence } from './name-suggestions.js';

const NAMES = ['accountid', 'name', 'telephone1', 'telephone2', 'emailaddress1', '_parentaccountid_value'];

describe('nearbyNames', () => {
  it('puts a case-only difference first, then close spellings', () => {
    expect(nearbyNames('Name', NAMES)).toEqual(['name']);
    expect(nearbyNames('acountid', NAMES)).toEqual(['accountid']);
    expect(nearbyNames('telephone', NAMES)).toEqual(['telephone1', 'telephone2']);
    expect(nearbyNames('parentaccountid', NAMES)).toEqual(['_parentaccountid_value', 'accountid']);
  });

  it('finds nothing for unrelated names', () => {
    expect(nearbyNames('zzzz', NAMES)).toEqual([]);
  });
});

describe('suggestionSentence', () => {
  it('says names are case-sensitive when that is the mistake', () => {
    expect(suggestionSentence('NAME', NAMES)).toBe("Did you mean 'name'? Names are case-sensitive.");
  });

  it('lists valid names, shortened when there are many', () => {
    expect(suggestionSentence('zzzz', ['a1', 'b1'])).toBe("Valid names are 'a1', 'b1'.");
    const many = Array.from({ length: 20 }, (_, i) => `column${i}xyz`);
    expect(suggestionSentence('q', many)).toMatch(/'column11xyz', … \(20 in all\)\.$/);
    expect(suggestionSentence('q', [])).toBe('There are none.');
  });
});

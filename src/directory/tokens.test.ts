import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/http/app-error.js';
import { audienceForScope, DEFAULT_AUDIENCE } from './tokens.js';

describe('audienceForScope', () => {
  it('names the resource of Entra-style scopes', () => {
    expect(audienceForScope('https://sales.contoso.com/.default')).toBe('https://sales.contoso.com');
    expect(audienceForScope('https://api.businesscentral.dynamics.com/.default offline_access')).toBe(
      'https://api.businesscentral.dynamics.com',
    );
    expect(
      audienceForScope('https://sales.contoso.com/user_impersonation https://sales.contoso.com/.default'),
    ).toBe('https://sales.contoso.com');
    expect(audienceForScope('api://7c2e/.default')).toBe('api://7c2e');
  });

  it("asks for Tandem's own APIs when no resource is named", () => {
    expect(audienceForScope(undefined)).toBe(DEFAULT_AUDIENCE);
    expect(audienceForScope('')).toBe(DEFAULT_AUDIENCE);
    expect(audienceForScope('openid profile offline_access')).toBe(DEFAULT_AUDIENCE);
    expect(audienceForScope('tandem')).toBe('tandem');
  });

  it('refuses scopes for two resources, since a token has one audience', () => {
    expect(() => audienceForScope('https://a.example/.default https://b.example/.default')).toThrow(AppError);
  });
});

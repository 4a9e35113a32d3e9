import { securityHeaders } from './security-headers.js';

describe('securityHeaders', () => {
  const headers = new Map(securityHeaders().map(([name, value]) => [name.toLowerCase(), value]));

  it('carries helmet’s headers with the docs page’s image sources in the CSP', () => {
    expect(headers.get('content-security-policy')).toContain(
      "img-src 'self' data: https://validator.swagger.io",
    );
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('is the same list every time (nothing in it depends on a request)', () => {
    expect(securityHeaders()).toEqual(securityHeaders());
    expect(headers.has('x-powered-by')).toBe(false);
  });
});

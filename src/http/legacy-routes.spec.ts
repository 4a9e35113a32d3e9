import { LegacyRouteTable } from './legacy-routes.js';

describe('LegacyRouteTable', () => {
  const table = new LegacyRouteTable([
    { method: 'POST', path: '/api/a/a/:id/go', canonical: '/api/a/:id/go', why: 'test' },
    { method: 'GET', path: '/old', canonical: '/api/new', why: 'test' },
  ]);

  it('rewrites a legacy path to its canonical one, carrying parameters and the query', () => {
    expect(table.rewrite('POST', '/api/a/a/42/go?x=1')?.url).toBe('/api/a/42/go?x=1');
    expect(table.rewrite('get', '/old/')?.url).toBe('/api/new');
  });

  it('matches method and every segment', () => {
    expect(table.rewrite('GET', '/api/a/a/42/go')).toBeNull();
    expect(table.rewrite('POST', '/api/a/a/42/go/more')).toBeNull();
    expect(table.rewrite('GET', '/older')).toBeNull();
    expect(table.rewrite('GET', '/api/new')).toBeNull();
  });
});

import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';

import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../../support/app-factory.js';
import { createUser, login, loginAdmin } from '../../support/auth.js';
import { registeredRoutes } from '../../support/routes.js';

type Access = 'anonymous' | 'viewer' | 'curator' | 'admin';

/**
 * The access decision for every route. A new route must be added here with its role,
 * or this test fails: nobody ships a route without deciding who may call it.
 */
const ROUTE_ACCESS: Record<string, Access> = {
  'GET /': 'anonymous',
  'GET /health/live': 'anonymous',
  'GET /health/ready': 'anonymous',
  'GET /version': 'anonymous',
  'GET /sitemap.xml': 'anonymous',
  'GET /docs': 'anonymous',
  'GET /docs/': 'anonymous',
  'GET /docs/index.html': 'anonymous',
  'GET /docs/LICENSE': 'anonymous',
  'GET /docs/swagger-ui-init.js': 'anonymous',
  'GET /docs/docs/swagger-ui-init.js': 'anonymous',
  'GET /openapi.json': 'anonymous',
  'GET /openapi.yaml': 'anonymous',
  'POST /api/auth/login': 'anonymous',
  'POST /api/auth/refresh': 'anonymous',
  'POST /api/auth/forgot-password': 'anonymous',
  'POST /api/auth/reset-password': 'anonymous',
  'POST /api/auth/logout': 'viewer',
  'GET /api/auth/me': 'viewer',
  'POST /api/auth/change-password': 'viewer',
  'POST /api/auth/register': 'admin',
  'GET /api/auth/users': 'admin',
  'GET /api/admin/users': 'admin',
  'GET /api/auth/users/:id': 'admin',
  'PUT /api/auth/users/:id': 'admin',
  'DELETE /api/auth/users/:id': 'admin',
  'GET /api/admin/cache/stats': 'admin',
  'GET /api/admin/cache/stats/:namespace': 'admin',
  'GET /api/admin/cache/namespaces': 'admin',
  'GET /api/admin/cache/keys': 'admin',
  'GET /api/admin/cache/health': 'admin',
  'POST /api/admin/cache/cleanup': 'admin',
  'GET /api/admin/backups': 'admin',
  'GET /api/admin/backups/stats': 'admin',
  'GET /api/admin/backups/:id': 'admin',
  'GET /api/admin/backups/:id/download': 'admin',
  'GET /api/admin/backups/restores/:id': 'admin',
  'POST /api/admin/backups/create': 'admin',
  'POST /api/admin/backups/restore/:id': 'admin',
  'POST /api/admin/backups/cleanup': 'admin',
  'DELETE /api/admin/backups/:id': 'admin',
  'POST /api/admin/cache/warm': 'admin',
  'DELETE /api/admin/cache/:namespace': 'admin',
  'DELETE /api/admin/cache': 'admin',
  'GET /api/admin/cache/keys/:namespace': 'admin',
  'GET /api/admin/cache/config': 'admin',
  'GET /api/admin/cache/database/pool-health': 'admin',
  'GET /api/admin/cache/monitoring/dashboard': 'admin',
  'GET /api/admin/cache/monitoring/performance': 'admin',
  'GET /api/admin/cache/monitoring/health': 'admin',
  'POST /api/admin/cache/monitoring/clear-all': 'admin',
  'POST /api/admin/cache/monitoring/warm-all': 'admin',
  'GET /api/admin/cache/metrics/prometheus': 'admin',
  'DELETE /api/admin/cache/:namespace/:key': 'admin',
  'GET /api/admin/logs': 'admin',
  'GET /api/admin/logs/statistics': 'admin',
  'DELETE /api/admin/logs/cleanup': 'admin',
  'POST /api/client-logs': 'anonymous',
  'GET /api/genes': 'anonymous',
  'GET /api/genes/resolve': 'anonymous',
  'GET /api/genes/export': 'anonymous',
  'POST /api/genes/hpo-classifications': 'anonymous',
  'GET /api/genes/:symbol': 'anonymous',
  'GET /api/genes/:symbol/evidence': 'anonymous',
  'POST /api/genes': 'curator',
  'GET /api/annotations/genes/:id/annotations': 'anonymous',
  'GET /api/annotations/genes/:id/summary': 'anonymous',
  'POST /api/annotations/genes/:id/annotations/update': 'admin',
  'POST /api/annotations/batch': 'anonymous',
  'GET /api/annotations/sources': 'anonymous',
  'POST /api/annotations/sources/:name/update': 'admin',
  'GET /api/annotations/statistics': 'anonymous',
  'POST /api/annotations/pipeline/validate': 'admin',
  'POST /api/annotations/refresh-view': 'admin',
  'DELETE /api/annotations/reset': 'admin',
  'POST /api/annotations/percentiles/refresh': 'admin',
  'GET /api/annotations/percentiles/validate/:source': 'admin',
  'POST /api/network/build': 'anonymous',
  'POST /api/network/cluster': 'anonymous',
  'POST /api/network/subgraph': 'anonymous',
  'POST /api/network/enrich/hpo': 'anonymous',
  'POST /api/network/enrich/go': 'anonymous',
  'GET /api/network/libraries': 'anonymous',
  'GET /api/releases': 'anonymous',
  'GET /api/releases/:version': 'anonymous',
  'GET /api/releases/:version/export': 'anonymous',
  'GET /api/releases/:version/genes': 'anonymous',
  'GET /api/releases/:version/citation': 'anonymous',
  'GET /api/releases/:from/diff/:to': 'anonymous',
  'POST /api/releases': 'admin',
  'PATCH /api/releases/:id': 'admin',
  'DELETE /api/releases/:id': 'admin',
  'POST /api/releases/:id/publish': 'admin',
  'POST /api/releases/:id/deposit': 'admin',
  'GET /api/annotations/scheduler/jobs': 'anonymous',
  'POST /api/annotations/scheduler/trigger/:job_id': 'admin',
  'GET /api/statistics/summary': 'anonymous',
  'GET /api/statistics/source-overlaps': 'anonymous',
  'GET /api/statistics/source-distributions': 'anonymous',
  'GET /api/statistics/evidence-composition': 'anonymous',
  'GET /api/datasources': 'anonymous',
  'GET /api/datasources/:name': 'anonymous',
  'POST /api/datasources/:source/update': 'admin',
  'POST /api/datasources/update-all': 'admin',
  'POST /api/annotations/pipeline/update': 'admin',
  'POST /api/annotations/pipeline/update-missing/:source': 'admin',
  'POST /api/annotations/pipeline/update-failed': 'admin',
  'POST /api/annotations/pipeline/update-new': 'admin',
  'GET /api/annotations/pipeline/status': 'curator',
  'GET /api/annotations/pipeline/runs': 'curator',
  'GET /api/annotations/pipeline/runs/:id': 'curator',
  'POST /api/annotations/pipeline/runs/:id/pause': 'admin',
  'POST /api/annotations/pipeline/runs/:id/resume': 'admin',
  'POST /api/annotations/pipeline/runs/:id/cancel': 'admin',
  'GET /api/progress/status': 'curator',
  'GET /api/progress/status/:source': 'curator',
  'GET /api/progress/dashboard': 'curator',
  'GET /api/admin/datasources': 'admin',
  'GET /api/admin/datasources/orphans': 'admin',
  'DELETE /api/admin/datasources/orphans/:name': 'admin',
  'GET /api/admin/settings': 'admin',
  'GET /metrics': 'admin',
  'GET /api/admin/system': 'admin',
  'GET /api/admin/settings/categories': 'admin',
  'GET /api/admin/settings/stats': 'admin',
  'GET /api/admin/settings/audit/all': 'admin',
  'GET /api/admin/settings/:key': 'admin',
  'PUT /api/admin/settings/:key': 'admin',
  'GET /api/admin/settings/:key/history': 'admin',
  'POST /api/progress/trigger/:source': 'admin',
  'POST /api/progress/pause/:source': 'admin',
  'POST /api/progress/resume/:source': 'admin',
  'POST /api/progress/cancel/:source': 'admin',
  'POST /api/staging/normalization/test': 'curator',
  'GET /api/staging/normalization/stats': 'curator',
  'GET /api/staging/normalization/logs': 'curator',
  'GET /api/staging': 'curator',
  'GET /api/staging/stats': 'curator',
  'POST /api/staging/bulk/approve': 'curator',
  'POST /api/staging/bulk/reject': 'curator',
  'POST /api/staging/:id/approve': 'curator',
  'POST /api/staging/:id/reject': 'curator',
  'GET /api/ingestion': 'anonymous',
  'POST /api/ingestion/:source/upload': 'curator',
  'GET /api/ingestion/:source/status': 'anonymous',
  'GET /api/ingestion/:source/identifiers': 'anonymous',
  'DELETE /api/ingestion/:source/identifiers/:identifier': 'curator',
  'GET /api/ingestion/:source/uploads': 'curator',
  'DELETE /api/ingestion/:source/uploads/:id': 'curator',
  'GET /api/ingestion/:source/audit': 'curator',
};

/** WebSocket gateways and the role their handshake requires. */
const GATEWAY_ACCESS: Record<string, Access> = {
  ProgressGateway: 'curator',
  LegacyProgressGateway: 'anonymous',
};

const RANK: Record<Access, number> = { anonymous: 0, viewer: 1, curator: 2, admin: 3 };

function concrete(path: string): string {
  return path
    .replace(/:id\b/g, '999999')
    .replace(/:namespace\b/g, 'access-matrix')
    .replace(/:symbol\b/g, 'PKD1')
    .replace(/:name\b/g, 'ClinGen')
    .replace(/:(\w+)/g, 'x');
}

describe('route access matrix', () => {
  let t: TestApp;
  const tokens: Partial<Record<Access, string>> = {};
  const logoutTokens: Partial<Record<Access, string>> = {};

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '100000' },
      imports: [DiscoveryModule],
    });
    const admin = await loginAdmin(t);
    tokens.admin = admin.accessToken;
    const curator = await createUser(t, admin.accessToken, 'curator');
    const viewer = await createUser(t, admin.accessToken, 'viewer');
    tokens.curator = curator.accessToken;
    tokens.viewer = viewer.accessToken;
    // Logout ends the session of the token it is called with: it gets sessions of its own.
    const extra = async (username: string, password: string) =>
      (await login(t, username, password)).accessToken;
    logoutTokens.admin = (await loginAdmin(t)).accessToken;
    logoutTokens.curator = await extra(curator.username, curator.password);
    logoutTokens.viewer = await extra(viewer.username, viewer.password);
  });
  afterAll(() => t.close());

  it('has an access decision for every registered route, and only for those', () => {
    const registered = registeredRoutes(t.app)
      // Nest's catch-all answers unknown routes with 404; HEAD mirrors GET.
      .filter((r) => r.path !== '{/*splat}' && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.path}`);
    expect([...new Set(registered)].sort()).toEqual(Object.keys(ROUTE_ACCESS).sort());
  });

  it('has an access decision for every WebSocket gateway', () => {
    const gateways = t.app
      .get(DiscoveryService)
      .getProviders()
      .filter(
        (w) => w.metatype && Reflect.getMetadata('websockets:is_gateway', w.metatype) === true,
      )
      .map((w) => String(w.name));
    expect(gateways.sort()).toEqual(Object.keys(GATEWAY_ACCESS).sort());
  });

  it.each(Object.entries(ROUTE_ACCESS).filter(([, a]) => a !== 'anonymous'))(
    '%s requires %s',
    async (route, required) => {
      const [method, path] = route.split(' ') as [string, string];
      const call = (token?: string) => {
        const req = t.http()[method.toLowerCase() as 'get'](concrete(path));
        return token ? req.set('Authorization', `Bearer ${token}`) : req;
      };
      const anonymous = await call();
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
      const roleTokens = route === 'POST /api/auth/logout' ? logoutTokens : tokens;
      for (const role of ['viewer', 'curator', 'admin'] as const) {
        const res = await call(roleTokens[role]);
        if (RANK[role] < RANK[required]) {
          expect([role, res.status, res.body.error?.code]).toEqual([
            role,
            403,
            'INSUFFICIENT_ROLE',
          ]);
        } else {
          expect([role, res.status]).not.toEqual([role, 401]);
          expect([role, res.status]).not.toEqual([role, 403]);
        }
      }
    },
  );

  it.each(Object.entries(ROUTE_ACCESS).filter(([, a]) => a === 'anonymous'))(
    '%s is open to anonymous callers',
    async (route) => {
      const [method, path] = route.split(' ') as [string, string];
      const res = await t.http()[method.toLowerCase() as 'get'](concrete(path));
      const code = (res.body as { error?: { code?: string } }).error?.code;
      expect(['UNAUTHORIZED', 'INSUFFICIENT_ROLE', 'ACCESS_UNDECLARED']).not.toContain(code);
    },
  );

  it('rejects expired tokens and tokens of the wrong type with 401', async () => {
    const jwt = new JwtService({ secret: TEST_JWT_SECRET });
    const claims = {
      iss: 'kidney-genetics-db',
      aud: 'kidney-genetics-db',
      sub: '1',
      role: 'admin',
    };
    const expired = jwt.sign({ ...claims, typ: 'access', exp: Math.floor(Date.now() / 1000) - 60 });
    const res = await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${expired}`)
      .expect(401);
    expect(res.body.error.code).toBe('TOKEN_EXPIRED');
    const refreshTyped = jwt.sign({ ...claims, typ: 'refresh' }, { expiresIn: 60 });
    const wrong = await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${refreshTyped}`)
      .expect(401);
    expect(wrong.body.error.code).toBe('INVALID_TOKEN');
    const otherKey = new JwtService({ secret: 'another-key-0123456789abcdefghijklmnop' }).sign(
      { ...claims, typ: 'access' },
      { expiresIn: 60 },
    );
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${otherKey}`).expect(401);
  });

  it('rejects tampered and malformed tokens with 401', async () => {
    const [header, payload] = tokens.admin!.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    for (const token of [forged, 'not-a-jwt', `${tokens.admin}x`]) {
      const res = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_TOKEN');
    }
  });
});

import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { ProbeModule } from '../../support/probe.module.js';

describe('HTTP baseline', () => {
  describe('CORS and security headers', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ env: { CORS_ORIGINS: 'https://ui.example' } });
    });
    afterAll(() => t.close());

    it('allows configured origins only', async () => {
      const ok = await t
        .http()
        .options('/health/live')
        .set('Origin', 'https://ui.example')
        .set('Access-Control-Request-Method', 'GET')
        .expect(204);
      expect(ok.headers['access-control-allow-origin']).toBe('https://ui.example');
      expect(ok.headers['access-control-allow-credentials']).toBe('true');
      const other = await t.http().get('/health/live').set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('sets helmet headers and hides the framework', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('graceful shutdown', () => {
    it('finishes in-flight requests before closing', async () => {
      const t = await createTestApp({ imports: [ProbeModule], listen: true });
      const url = `${await t.app.getUrl()}/__probe/slow?ms=400`;
      const inFlight = fetch(url.replace('[::1]', '127.0.0.1'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closing = t.close();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ waited: 400 });
      await closing;
      await expect(fetch(url)).rejects.toThrow();
    });
  });
});

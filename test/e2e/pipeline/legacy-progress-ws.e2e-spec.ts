import WebSocket from 'ws';

import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';
import {
  type Article,
  PUBTATOR_GENES,
  type PubTatorSymbol,
  seedPubTatorGenes,
  servePubTatorSearch,
} from '../../support/pubtator-fixture.js';
import { eventually } from '../../support/wait.js';

const ARTICLES: Article[] = Array.from({ length: 30 }, (_, i) => ({
  pmid: 33000000 + i,
  score: 100 - i,
  genes: [(Object.keys(PUBTATOR_GENES) as PubTatorSymbol[])[i % 6]],
}));

/** The only fields a legacy item may carry: the anonymous stream is redacted. */
const PUBLIC_FIELDS = [
  'category',
  'completed_at',
  'current_operation',
  'estimated_completion',
  'items_added',
  'items_failed',
  'items_processed',
  'items_updated',
  'progress_percentage',
  'source_name',
  'started_at',
  'status',
];

interface Item {
  source_name: string;
  status: string;
  [key: string]: unknown;
}
interface Message {
  type: string;
  source?: string;
  data?: Item | Item[];
}

/** The original frontend's anonymous progress socket (docs/api.md, compatibility). */
describe('the legacy progress socket at /ws/progress/ws', () => {
  const upstream = new FixtureServer();
  let fail = false;
  /** While set, pages after the first wait for it. */
  let gate: Promise<void> | null = null;
  let t: TestApp;
  let admin: string;
  let base: string;

  beforeAll(async () => {
    await upstream.start();
    servePubTatorSearch(
      upstream,
      () => ARTICLES,
      async (page, res) => {
        if (gate && page >= 2) {
          await gate;
        }
        if (!fail) {
          return false;
        }
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: 'secret upstream detail' }));
        return true;
      },
    );
    t = await createTestApp({
      listen: true,
      env: {
        PUBTATOR_URL: upstream.baseUrl,
        PUBTATOR_MODE: 'full',
        UPSTREAM_RATE_LIMITS: '127.0.0.1=500',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    admin = (await loginAdmin(t)).accessToken;
    await seedPubTatorGenes(t.app);
    base = (await t.app.getUrl()).replace('http', 'ws').replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const listen = () => {
    const socket = new WebSocket(`${base}/ws/progress/ws`);
    const messages: Message[] = [];
    socket.on('message', (data: Buffer) =>
      messages.push(JSON.parse(data.toString('utf8')) as Message),
    );
    return { socket, messages };
  };
  const trigger = () =>
    t
      .http()
      .post('/api/progress/trigger/PubTator')
      .set('Authorization', `Bearer ${admin}`)
      .expect(202);
  const itemsOf = (messages: Message[]) =>
    messages.flatMap((m) => (Array.isArray(m.data) ? m.data : m.data ? [m.data] : []));

  it('greets an anonymous client with every source in the original item shape, redacted', async () => {
    const { socket, messages } = listen();
    expect(await eventually(() => messages.length > 0)).toBe(true);
    socket.close();
    expect(messages[0].type).toBe('initial_status');
    const items = messages[0].data as Item[];
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source_name: 'PubTator',
          status: 'idle',
          category: 'data_source',
        }),
      ]),
    );
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(PUBLIC_FIELDS);
    }
  });

  // First: a completed run's pages are answered from the upstream cache afterwards.
  it('reports a failed source as task_failed without its error text', async () => {
    fail = true;
    const { socket, messages } = listen();
    expect(await eventually(() => messages.length > 0)).toBe(true);
    await trigger();
    expect(await eventually(() => messages.some((m) => m.type === 'task_failed'), 20_000)).toBe(
      true,
    );
    socket.close();
    fail = false;
    expect(messages.find((m) => m.type === 'task_failed')!.data).toMatchObject({
      source_name: 'PubTator',
      status: 'failed',
    });
    for (const item of itemsOf(messages)) {
      expect(Object.keys(item).sort()).toEqual(PUBLIC_FIELDS);
    }
    expect(JSON.stringify(messages)).not.toContain('secret upstream detail');
    // The curators' REST status does carry the error.
    const status = await t
      .http()
      .get('/api/progress/status/PubTator')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(status.body.data).toMatchObject({ status: 'failed', last_error: expect.any(String) });
  });

  it('streams progress_update arrays, then task_completed, as a run of a source goes', async () => {
    const { socket, messages } = listen();
    expect(await eventually(() => messages.length > 0)).toBe(true);
    let release: () => void = () => undefined;
    gate = new Promise<void>((resolve) => (release = resolve));
    await trigger();
    // Held after its first page, the run is seen running before it completes.
    const running = await eventually(() =>
      itemsOf(messages.filter((m) => m.type === 'progress_update')).some(
        (i) => i.source_name === 'PubTator' && i.status === 'running',
      ),
    );
    gate = null;
    release();
    expect(running).toBe(true);
    expect(
      await eventually(
        () =>
          messages.some(
            (m) => m.type === 'task_completed' && (m.data as Item).source_name === 'PubTator',
          ),
        20_000,
      ),
    ).toBe(true);
    // The original client answers pings with pong; it only counts as a sign of life.
    socket.send(JSON.stringify({ type: 'pong' }));
    socket.close();
    const updates = messages.filter((m) => m.type === 'progress_update');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((m) => Array.isArray(m.data))).toBe(true);
    const done = messages.find((m) => m.type === 'task_completed')!.data as Item;
    expect(done).toMatchObject({ status: 'completed', progress_percentage: 100 });
    expect(done.items_added).toBeGreaterThan(0);
    expect(messages).toContainEqual(
      expect.objectContaining({ type: 'status_change', source: 'PubTator' }),
    );
  });

  it('is closed at once when LEGACY_PROGRESS_WS is off', async () => {
    const off = await createTestApp({
      databaseUrl: t.database!.url,
      listen: true,
      env: { LEGACY_PROGRESS_WS: 'false' },
    });
    try {
      const url = (await off.app.getUrl()).replace('http', 'ws').replace('[::1]', '127.0.0.1');
      const messages: unknown[] = [];
      const code = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`${url}/ws/progress/ws`);
        socket.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
        socket.on('close', (closed) => resolve(closed));
      });
      expect(code).toBe(4404);
      expect(messages).toEqual([]);
    } finally {
      await off.close();
    }
  });
});

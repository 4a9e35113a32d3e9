import { readFileSync } from 'node:fs';

import type { Response } from 'supertest';

import { type ContractContext, type Role } from '../../contract/contract-context.js';
import {
  type ContractCall,
  ORIGINAL_OPERATIONS,
  type Served,
} from '../../contract/original-operations.js';
import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

/** `METHOD path` of every operation in the original's OpenAPI (its snapshot, listed). */
function originalOperations(): string[] {
  return readFileSync(new URL('../../contract/original-operations.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

const LOWER: Record<Exclude<Role, 'anonymous'>, Role> = {
  viewer: 'anonymous',
  curator: 'viewer',
  admin: 'curator',
};

const served = Object.entries(ORIGINAL_OPERATIONS).filter(
  (e): e is [string, Served] => e[1].kind === 'served',
);

/**
 * Replays every operation of the original kidney-genetics-db OpenAPI the way its clients
 * call it (test/contract/original-operations.ts): each one marked served must answer with
 * the role, status and fields the clients read; the rest say why not. Prints how many of
 * the original's operations are served compatibly.
 */
describe('the original clients’ operations, replayed', () => {
  let t: TestApp;
  let ctx: ContractContext;
  const tokens = new Map<Role, string>();
  const db = testDb(() => t.database!.url);
  const passed = new Set<string>();
  let counter = 0;
  let releases = 0;
  let published: { id: number; version: string } | undefined;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const admin = (await loginAdmin(t)).accessToken;
    tokens.set('admin', admin);
    tokens.set('curator', (await createUser(t, admin, 'curator')).accessToken);
    tokens.set('viewer', (await createUser(t, admin, 'viewer')).accessToken);
    const ids = await seedGenes(t.app, SCORING_DATASET);
    const pkd1 = SCORING_DATASET.find((g) => g.symbol === 'PKD1')!;
    // PKD1's HPO phenotype classification, as the hpo_phenotypes source stores it.
    await db.exec(
      `INSERT INTO gene_annotations (gene_id, source, version, annotations)
       VALUES ($1, 'hpo_phenotypes', 'contract', $2)`,
      [
        ids.get('PKD1'),
        {
          kidney_phenotype_count: 4,
          classification: {
            clinical_group: { primary: 'cyst_cilio' },
            onset_group: { primary: 'adult' },
            syndromic_assessment: { is_syndromic: false },
          },
        },
      ],
    );
    // PKD1's Descartes fetal kidney figures, as the descartes source stores them.
    await db.exec(
      `INSERT INTO gene_annotations (gene_id, source, version, annotations)
       VALUES ($1, 'descartes', 'human_gtex', $2)`,
      [ids.get('PKD1'), { gene_symbol: 'PKD1', kidney_tpm: 14.2, kidney_percentage: 0.0452 }],
    );
    ctx = {
      t,
      db,
      adminPassword: TEST_ADMIN_PASSWORD,
      gene: { id: ids.get('PKD1')!, symbol: 'PKD1', hgncId: pkd1.hgncId },
      token: (role) => tokens.get(role),
      freshLogin: (role) => createUser(t, admin, role),
      freshVersion: () => {
        releases += 1;
        return `${2100 + Math.floor(releases / 12)}.${(releases % 12) + 1}`;
      },
      release: async (state) => {
        if (state === 'published' && published) {
          return published;
        }
        const created = await t
          .http()
          .post('/api/releases')
          .set('Authorization', `Bearer ${admin}`)
          .send({ version: ctx.freshVersion() })
          .expect(201);
        const release = { id: created.body.id as number, version: created.body.version as string };
        if (state === 'published') {
          await t
            .http()
            .post(`/api/releases/${release.id}/publish`)
            .set('Authorization', `Bearer ${admin}`)
            .expect(200);
          published = release;
        }
        return release;
      },
      stagingId: async () =>
        (
          await db.one<{ id: number }>(
            `INSERT INTO gene_staging (source_name, original_text, reason, evidence_data, priority)
             VALUES ('GenCC', $1, 'unknown', '{}', 3) RETURNING id`,
            [`NOTAGENE${(counter += 1)}`],
          )
        ).id,
      upload: async () => {
        const identifier = `Lab${(counter += 1)}`;
        const res = await t
          .http()
          .post('/api/ingestion/DiagnosticPanels/upload')
          .set('Authorization', `Bearer ${admin}`)
          .field('identifier', identifier)
          .attach('file', Buffer.from('Gene,Panel_Name\nPKD1,Cystic Kidney Panel\n'), 'p.csv')
          .expect(201);
        return { uploadId: res.body.data.upload_id as number, identifier };
      },
      cachedKey: async (namespace) => {
        await t.http().get('/api/genes/PKD1').expect(200);
        const res = await t
          .http()
          .get(`/api/admin/cache/keys/${namespace}?page=1&page_size=1`)
          .set('Authorization', `Bearer ${admin}`)
          .expect(200);
        return (res.body.keys as { key: string }[])[0].key;
      },
      editableSetting: async () => {
        const res = await t
          .http()
          .get('/api/admin/settings/?limit=500&offset=0')
          .set('Authorization', `Bearer ${admin}`)
          .expect(200);
        const setting = (
          res.body.settings as {
            id: number;
            value: unknown;
            is_readonly: boolean;
            is_sensitive: boolean;
          }[]
        ).find((x) => !x.is_readonly && !x.is_sensitive)!;
        return { id: setting.id, value: setting.value };
      },
      backup: async () => {
        const res = await t
          .http()
          .post('/api/admin/backups/create')
          .set('Authorization', `Bearer ${admin}`)
          .send({})
          .expect(202);
        const id = res.body.id as number;
        const done = await eventually(
          async () => (await db.count('backups', `id = $1 AND status = 'completed'`, [id])) === 1,
          60_000,
        );
        if (!done) {
          throw new Error(`backup ${id} did not complete`);
        }
        return id;
      },
      restoresDone: async () => {
        const done = await eventually(
          async () => (await db.count('backup_restores', `status IN ('pending', 'running')`)) === 0,
          120_000,
        );
        if (!done) {
          throw new Error('a restore is still running');
        }
      },
      unique: (prefix) => `${prefix}_${process.pid}_${(counter += 1)}`,
      uniqueHgncId: () => `HGNC:${970000 + (counter += 1)}`,
    };
  });
  afterAll(async () => {
    const counted = Object.values(ORIGINAL_OPERATIONS).filter((e) => e.kind !== 'elsewhere');
    process.stdout.write(
      `${passed.size} of ${counted.length} original operations served compatibly ` +
        `(${Object.keys(ORIGINAL_OPERATIONS).length - counted.length} belong to other issues or are not ported)\n`,
    );
    await db.close();
    await t.close();
  });

  async function send(call: ContractCall, method: string, token: string | undefined) {
    let req = t.http()[method.toLowerCase() as 'get'](call.path);
    if (token) {
      req = req.set('Authorization', `Bearer ${token}`);
    }
    for (const [name, value] of Object.entries(call.headers ?? {})) {
      req = req.set(name, value);
    }
    if (call.form) {
      return req.type('form').send(call.form);
    }
    if (call.multipart) {
      for (const [name, value] of Object.entries(call.multipart.fields)) {
        req = req.field(name, value);
      }
      const { name, content } = call.multipart.file;
      return req.attach('file', Buffer.from(content), name);
    }
    return call.body === undefined ? req : req.send(call.body as object);
  }

  const callOf = async (key: string, expectation: Served): Promise<ContractCall> => {
    const path = key.slice(key.indexOf(' ') + 1);
    if (!expectation.call && path.includes('{')) {
      throw new Error(`${key}: a path with parameters needs a call`);
    }
    return expectation.call ? expectation.call(ctx) : { path };
  };

  it('lists every operation of the original OpenAPI, and no other', () => {
    expect(Object.keys(ORIGINAL_OPERATIONS).sort()).toEqual(originalOperations().sort());
  });

  it.each(served)('%s answers as its clients read it', async (key, expectation) => {
    const method = key.slice(0, key.indexOf(' '));
    const call = await callOf(key, expectation);
    const res: Response = await send(call, method, call.token ?? ctx.token(expectation.role));
    const problems: string[] = [];
    if (expectation.status !== undefined ? res.status !== expectation.status : res.status >= 300) {
      problems.push(`status ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    } else if (expectation.reads) {
      const missing = expectation.reads(res.body, res.headers, res.text ?? '');
      problems.push(...missing.map((m) => `lacks ${m}`));
    }
    await expectation.settle?.(ctx);
    if (expectation.role !== 'anonymous') {
      const lower = LOWER[expectation.role];
      const refused = await send(await callOf(key, expectation), method, ctx.token(lower));
      const want = lower === 'anonymous' ? 401 : 403;
      if (refused.status !== want) {
        problems.push(`as ${lower}: status ${refused.status}, expected ${want}`);
      }
    }
    expect(problems).toEqual([]);
    passed.add(key);
  });
});

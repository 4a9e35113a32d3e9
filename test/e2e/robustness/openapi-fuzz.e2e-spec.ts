import { readFileSync } from 'node:fs';

import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';

interface Schema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
  $ref?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}
interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  'x-required-role'?: string;
}
interface Case {
  label: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
}

const spec = JSON.parse(
  readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'),
) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const resolveRef = (s: Schema | undefined): Schema | undefined =>
  s?.$ref ? spec.components.schemas[s.$ref.split('/').at(-1)!] : s;

const HOSTILE_PATH_VALUES = ['..%2F..%2Fetc%2Fpasswd', "'%20OR%201%3D1--", '%00', 'x'.repeat(5000)];

/** A valid-looking value for a parameter, used to fill the others while one is broken. */
function validPathValue(name: string): string {
  return { id: '1', symbol: 'PKD1', name: 'ClinGen', namespace: 'hgnc' }[name] ?? 'x';
}

/** Values that break a parameter's declared type or bounds. */
function invalidValues(schema: Schema | undefined): string[] {
  const s = resolveRef(schema) ?? {};
  const out: string[] = [];
  if (s.type === 'integer' || s.type === 'number') {
    out.push('abc', '1e999', '-1.5x');
  }
  if (s.type === 'integer') {
    out.push('1.5');
  }
  if (s.maximum !== undefined) {
    out.push(String(s.maximum + 1_000_000));
  }
  if (s.minimum !== undefined) {
    out.push(String(s.minimum - 1));
  }
  if (s.type === 'boolean') {
    out.push('maybe');
  }
  if (s.enum) {
    out.push('not-a-valid-choice');
  }
  if (s.format === 'date-time') {
    out.push('yesterday-ish');
  }
  if (s.maxLength !== undefined) {
    out.push('y'.repeat(s.maxLength + 1));
  }
  if (s.type === 'string' && s.maxLength === undefined && !s.enum) {
    out.push('z'.repeat(10_000));
  }
  return out;
}

function generateCases(): Case[] {
  const cases: Case[] = [];
  for (const [rawPath, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      const fill = (override?: { name: string; value: string }) =>
        rawPath.replace(/\{(\w+)\}/g, (_, n: string) =>
          override?.name === n ? override.value : validPathValue(n),
        );
      const base = fill();
      for (const p of pathParams) {
        const bad = [...HOSTILE_PATH_VALUES, ...invalidValues(p.schema).map(encodeURIComponent)];
        for (const value of bad) {
          cases.push({
            label: `path ${p.name}=${value.slice(0, 20)}`,
            method,
            path: fill({ name: p.name, value }),
          });
        }
      }
      for (const p of params.filter((q) => q.in === 'query')) {
        for (const value of [...invalidValues(p.schema), "' OR 1=1 --", '../../etc/passwd']) {
          const s = resolveRef(p.schema);
          // Free-text parameters legitimately accept hostile-looking text (it is a value, not code).
          if (
            (value.startsWith("'") || value.startsWith('..')) &&
            s?.type === 'string' &&
            !s.enum &&
            s.format === undefined
          ) {
            continue;
          }
          cases.push({
            label: `query ${p.name}=${value.slice(0, 20)}`,
            method,
            path: base,
            query: { [p.name]: value },
          });
        }
      }
      if (params.some((q) => q.in === 'query')) {
        cases.push({
          label: 'unknown query field',
          method,
          path: base,
          query: { __unknown_field__: '1' },
        });
      }
      const json = op.requestBody?.content['application/json'];
      if (json) {
        const schema = resolveRef(json.schema) ?? {};
        cases.push({
          label: 'malformed JSON',
          method,
          path: base,
          rawBody: '{"broken": ',
          contentType: 'application/json',
        });
        // The wrong JSON type for the body: an array where an object is due, or the reverse.
        cases.push(
          (schema as { type?: string }).type === 'array'
            ? { label: 'JSON object body', method, path: base, body: { not: 'an array' } }
            : { label: 'JSON array body', method, path: base, body: [1, 2, 3] },
        );
        cases.push({
          label: 'unknown body field',
          method,
          path: base,
          body: { __unknown_field__: true },
        });
        cases.push({
          label: 'oversized body',
          method,
          path: base,
          rawBody: JSON.stringify({ blob: 'x'.repeat(1_200_000) }),
          contentType: 'application/json',
        });
        if (schema.required?.length) {
          cases.push({ label: 'missing required fields', method, path: base, body: {} });
          cases.push({
            label: 'wrong content type',
            method,
            path: base,
            rawBody: 'plain text',
            contentType: 'text/plain',
          });
        }
        for (const [prop, propSchema] of Object.entries(schema.properties ?? {})) {
          const s = resolveRef(propSchema) ?? {};
          const wrong =
            s.type === 'string'
              ? 12345
              : s.type === 'boolean'
                ? 'yes'
                : s.type === 'array'
                  ? 'not-an-array'
                  : 'not-a-number';
          cases.push({
            label: `body ${prop} wrong type`,
            method,
            path: base,
            body: { [prop]: wrong },
          });
          if (s.type === 'string') {
            cases.push({
              label: `body ${prop} oversized`,
              method,
              path: base,
              body: { [prop]: 'q'.repeat(100_000) },
            });
          }
        }
      }
    }
  }
  return cases;
}

const CASES = generateCases();
const COUNTED_TABLES = [
  'users',
  'genes',
  'gene_evidence',
  'gene_annotations',
  'data_sources',
  'password_reset_tokens',
];

describe('bad input generated from the OpenAPI document', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RATE_LIMIT_PER_MINUTE: '10000000',
        RATE_LIMIT_LOGIN_PER_MINUTE: '10000000',
        RATE_LIMIT_FORGOT_PASSWORD_PER_HOUR: '10000000',
        LOG_LEVEL: 'warn',
      },
    });
    await seedGenes(t.app, SCORING_DATASET.slice(0, 3));
    token = (await loginAdmin(t)).accessToken;
  });
  const db = testDb(() => t.database!.url);
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of COUNTED_TABLES) {
      out[table] = await db.count(table);
    }
    return out;
  }

  it(`answers every generated case with a 4xx in the error envelope (${CASES.length} cases)`, async () => {
    process.stdout.write(`openapi-fuzz: ${CASES.length} generated cases\n`);
    expect(CASES.length).toBeGreaterThan(200);
    const before = await counts();
    const failures: string[] = [];
    for (const c of CASES) {
      let req = t.http()[c.method as 'get'](c.path).set('Authorization', `Bearer ${token}`);
      if (c.query) {
        req = req.query(c.query);
      }
      if (c.contentType) {
        req = req.set('Content-Type', c.contentType);
      }
      if (c.rawBody !== undefined) {
        req = req.send(c.rawBody);
      } else if (c.body !== undefined) {
        req = req.send(c.body as object);
      }
      const res = await req;
      const text = JSON.stringify(res.body ?? {});
      const ok =
        res.status >= 400 &&
        res.status < 500 &&
        typeof res.body?.error?.code === 'string' &&
        typeof res.body?.error?.request_id === 'string' &&
        !/node_modules|\n\s+at /.test(text);
      if (!ok) {
        failures.push(
          `${c.method.toUpperCase()} ${c.path.slice(0, 80)} [${c.label}] → ${res.status} ${text.slice(0, 160)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('refuses every protected operation without a valid token', async () => {
    const failures: string[] = [];
    for (const [rawPath, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op['x-required-role'] || op['x-required-role'] === 'anonymous') {
          continue;
        }
        const path = rawPath.replace(/\{(\w+)\}/g, (_, n: string) => validPathValue(n));
        for (const auth of [undefined, 'Bearer not.a.token', `Bearer ${token.slice(0, -4)}AAAA`]) {
          let req = t.http()[method as 'get'](path);
          if (auth) {
            req = req.set('Authorization', auth);
          }
          const res = await req;
          if (res.status !== 401) {
            failures.push(
              `${method} ${path} with ${auth?.slice(0, 12) ?? 'no token'} → ${res.status}`,
            );
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

import { Logger } from '@nestjs/common';

import { isServiceTokenDigest } from '../../auth/auth.module.js';
import type { CacheService } from '../../cache/cache.service.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../common/errors/index.js';
import { loadConfig } from '../../config/index.js';
import type { DatabaseEndpoint } from '../../database/database-endpoint.js';
import type { LogControl } from '../../logging/logging.module.js';
import type { PipelineService } from '../../pipeline/pipeline.service.js';
import type { UpstreamHttp } from '../../sources/upstream/upstream-http.service.js';
import { SETTINGS } from './settings.catalog.js';
import type {
  ChangeRow,
  SettingChange,
  SettingRow,
  SettingsRepository,
} from './settings.repository.js';
import { MASKED, SettingsService } from './settings.service.js';

beforeAll(() => Logger.overrideLogger(false));

type SettingsPort = Pick<SettingsRepository, 'all' | 'one' | 'change' | 'history' | 'notify'>;

/** system_settings and its audit trail in memory; `notifyFails` makes the announcement fail. */
class FakeSettingsRepository implements SettingsPort {
  readonly rows = new Map<string, SettingRow>();
  readonly changes: SettingChange[] = [];
  readonly notified: { channel: string; payload: string }[] = [];
  readonly asked: string[] = [];
  notifyFails = false;

  constructor(defaults: (key: string) => unknown) {
    for (const d of SETTINGS) {
      this.rows.set(d.key, {
        key: d.key,
        value: null,
        value_type: d.type,
        category: d.category,
        description: d.description,
        default_value: defaults(d.key),
        requires_restart: d.requiresRestart ?? false,
        sensitive: d.sensitive ?? false,
        read_only: d.readOnly ?? false,
        validation: d.validation,
        updated_by_id: null,
        updated_at: new Date('2026-01-01T00:00:00Z'),
      });
    }
  }

  all(): Promise<SettingRow[]> {
    return Promise.resolve([...this.rows.values()].map((r) => ({ ...r })));
  }

  one(key: string): Promise<SettingRow | null> {
    this.asked.push(key);
    const row = this.rows.get(key);
    return Promise.resolve(row ? { ...row } : null);
  }

  change(c: SettingChange): Promise<void> {
    const row = this.rows.get(c.key);
    if (row) {
      this.rows.set(c.key, { ...row, value: c.value, updated_by_id: c.userId });
    }
    this.changes.push(c);
    return Promise.resolve();
  }

  history(key: string, limit: number): Promise<ChangeRow[]> {
    return Promise.resolve(
      this.changes
        .filter((c) => c.key === key)
        .slice(-limit)
        .reverse()
        .map((c, i) => ({
          id: String(i + 1),
          setting_key: c.key,
          old_value: c.auditOld,
          new_value: c.auditNew,
          changed_by_id: c.userId,
          changed_by: c.username,
          reason: c.reason,
          ip_address: c.ip,
          changed_at: new Date('2026-01-02T00:00:00Z'),
        })),
    );
  }

  notify(channel: string, payload: string): Promise<void> {
    if (this.notifyFails) {
      return Promise.reject(new Error('connection lost'));
    }
    this.notified.push({ channel, payload });
    return Promise.resolve();
  }
}

/** The services settings act on, reduced to a log of what was applied to them. */
function recordingTargets() {
  const applied: [string, ...unknown[]][] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      applied.push([name, ...args]);
      return Promise.resolve();
    };
  return {
    applied,
    cache: { setTtls: record('setTtls'), resizeL1: record('resizeL1') },
    logs: { setLevel: record('setLevel'), setSlowRequestMs: record('setSlowRequestMs') },
    upstream: { setRateLimits: record('setRateLimits') },
    pipeline: { reschedule: record('reschedule') },
  };
}

const ACTOR = { id: 9, username: 'operator', ip: '10.0.0.9' };

async function setup(env: Record<string, string> = {}) {
  const config = loadConfig({ LOG_LEVEL: 'info', ...env });
  const repository = new FakeSettingsRepository(
    (key) => SETTINGS.find((d) => d.key === key)?.default(config) ?? null,
  );
  const targets = recordingTargets();
  const service = new SettingsService(
    repository as unknown as SettingsRepository,
    config,
    { url: 'postgres://unused.invalid/none' } as DatabaseEndpoint,
    targets.cache as unknown as CacheService,
    targets.logs as unknown as LogControl,
    targets.upstream as unknown as UpstreamHttp,
    targets.pipeline as unknown as PipelineService,
  );
  await service.reload();
  return { service, repository, targets, config };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('SettingsService', () => {
  it('applies every setting on the first load, an applier shared by two settings once', async () => {
    const { targets } = await setup();
    expect(targets.applied.map(([name]) => name).sort()).toEqual([
      'reschedule',
      'resizeL1',
      'setLevel',
      'setRateLimits',
      'setSlowRequestMs',
      'setTtls',
    ]);
  });

  it('a change is stored with its audit, applied alone, announced, and shown', async () => {
    const { service, repository, targets } = await setup();
    targets.applied.length = 0;
    const view = await service.update('logging.level', 'debug', 'chasing a bug', ACTOR);
    expect(repository.changes).toEqual([
      {
        key: 'logging.level',
        value: 'debug',
        auditOld: 'info',
        auditNew: 'debug',
        userId: 9,
        username: 'operator',
        reason: 'chasing a bug',
        ip: '10.0.0.9',
      },
    ]);
    expect(targets.applied).toEqual([['setLevel', 'debug']]);
    expect(repository.notified).toHaveLength(1);
    expect(repository.notified[0]?.channel).toBe('kgdb_settings');
    expect(JSON.parse(repository.notified[0]?.payload ?? '')).toMatchObject({
      msg: { key: 'logging.level' },
    });
    expect(view).toMatchObject({ key: 'logging.level', value: 'debug', is_default: false });
    expect(service.value('logging.level')).toBe('debug');
  });

  it('hands the L1 size to the cache in bytes, with the entry limit in effect', async () => {
    const { service, targets, config } = await setup();
    targets.applied.length = 0;
    await service.update('cache.l1_max_mb', 3, null, ACTOR);
    expect(targets.applied).toEqual([['resizeL1', config.cache.l1MaxEntries, 3 * 1024 * 1024]]);
  });

  it('refuses a read-only setting with a conflict and stores nothing', async () => {
    const { service, repository } = await setup();
    expect(await failure(service.update('database.pool_size', 5, null, ACTOR))).toBeInstanceOf(
      ConflictError,
    );
    expect(repository.changes).toEqual([]);
  });

  it.each([
    ['logging.slow_request_ms', null, 'must not be null'],
    ['logging.slow_request_ms', '500', 'must be a number'],
    ['logging.slow_request_ms', 0, 'must be an integer from 1 to 3600000'],
    ['cache.namespace_ttls', [], 'must be a JSON object'],
  ])('refuses %s = %j: %s', async (key, value, problem) => {
    const { service, repository } = await setup();
    const error = await failure(service.update(key, value, null, ACTOR));
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).details).toEqual([
      { field: 'value', messages: [`${key} ${problem}`] },
    ]);
    expect(repository.changes).toEqual([]);
  });

  it('keeps a metrics token as a digest and never shows or audits it', async () => {
    const { service, repository } = await setup();
    expect((await service.get('metrics.token')).value).toBe('');
    const token = 'scrape-token-0123456789';
    const view = await service.update('metrics.token', token, null, ACTOR);
    const change = repository.changes[0];
    expect(isServiceTokenDigest(change?.value)).toBe(true);
    expect([change?.auditOld, change?.auditNew]).toEqual([MASKED, MASKED]);
    expect(view.value).toBe(MASKED);
    expect(JSON.stringify(await service.history('metrics.token', 10))).not.toContain(token);
  });

  it('answers NOT_FOUND for a key outside the catalog without asking the store', async () => {
    const { service, repository } = await setup();
    repository.rows.set('retired.key', {
      ...repository.rows.get('logging.level')!,
      key: 'retired.key',
    });
    await expect(service.get('retired.key')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.history('retired.key', 5)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.update('retired.key', 1, null, ACTOR)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(repository.asked).toEqual([]);
    // A row left behind by an older catalog is not listed either.
    expect((await service.list()).map((v) => v.key)).not.toContain('retired.key');
    expect(await service.list()).toHaveLength(SETTINGS.length);
  });

  it('a change that could not be announced is still stored and returned', async () => {
    const { service, repository } = await setup();
    repository.notifyFails = true;
    const view = await service.update('logging.slow_request_ms', 750, null, ACTOR);
    expect(view.value).toBe(750);
    expect(repository.rows.get('logging.slow_request_ms')?.value).toBe(750);
  });

  it('a failing applier does not keep the others from being applied', async () => {
    const { service, repository, targets } = await setup();
    targets.logs.setLevel = () => Promise.reject(new Error('bad level'));
    targets.applied.length = 0;
    repository.rows.set('logging.level', {
      ...repository.rows.get('logging.level')!,
      value: 'warn',
    });
    repository.rows.set('logging.slow_request_ms', {
      ...repository.rows.get('logging.slow_request_ms')!,
      value: 900,
    });
    await service.reload();
    expect(targets.applied).toEqual([['setSlowRequestMs', 900]]);
    expect(service.value('logging.level')).toBe('warn');
  });
});

import { randomUUID } from 'node:crypto';

import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { CacheService } from '../../cache/cache.service.js';
import { runInBackground } from '../../common/background.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../common/errors/index.js';
import { AppConfig } from '../../config/index.js';
import { DatabaseEndpoint } from '../../database/database-endpoint.js';
import { NotificationListener } from '../../database/notification-listener.js';
import { LogControl } from '../../logging/logging.module.js';
import { PipelineService } from '../../pipeline/pipeline.service.js';
import { UpstreamHttp } from '../../sources/upstream/upstream-http.service.js';
import {
  type SettingDefinition,
  SETTINGS,
  SETTINGS_BY_ID,
  SETTINGS_BY_KEY,
  type SettingTargets,
  typeProblem,
} from './settings.catalog.js';
import { type ChangeRow, type SettingRow, SettingsRepository } from './settings.repository.js';

const SETTINGS_CHANNEL = 'kgdb_settings';
export const MASKED = '***MASKED***';

export interface SettingView {
  id: number;
  key: string;
  value: unknown;
  value_type: string;
  category: string;
  description: string;
  default_value: unknown;
  is_default: boolean;
  requires_restart: boolean;
  sensitive: boolean;
  is_sensitive: boolean;
  read_only: boolean;
  is_readonly: boolean;
  validation: Record<string, unknown>;
  updated_by_id: number | null;
  updated_at: string;
}

export interface ChangeView {
  id: number;
  setting_id: number | null;
  key: string;
  old_value: unknown;
  new_value: unknown;
  changed_by: string;
  changed_by_id: number | null;
  reason: string | null;
  change_reason: string | null;
  ip_address: string | null;
  changed_at: string;
}

export interface SettingsPage {
  settings: SettingView[];
  total: number;
}

export interface SettingsStats {
  total: number;
  requires_restart: number;
  read_only: number;
  sensitive: number;
  customised: number;
  recent_changes_24h: number;
  by_category: Record<string, number>;
}

export interface Actor {
  id: number;
  username: string;
  ip: string | null;
}

function countByCategory(settings: SettingView[]): { name: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const s of settings) {
    counts.set(s.category, (counts.get(s.category) ?? 0) + 1);
  }
  return [...counts].map(([name, count]) => ({ name, count }));
}

/**
 * Runtime settings that take effect without a restart, on every instance: a change is
 * stored with its audit row, applied here, and announced over LISTEN/NOTIFY; every
 * other instance re-reads the settings and applies them. After a lost listener
 * connection an instance re-reads everything (it may have missed announcements).
 */
@Injectable()
export class SettingsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SettingsService.name);
  private readonly bus: NotificationListener<{ key: string }>;
  private readonly targets: SettingTargets;
  private effective: Record<string, unknown> = {};
  private loaded = false;

  constructor(
    private readonly repository: SettingsRepository,
    private readonly config: AppConfig,
    endpoint: DatabaseEndpoint,
    cache: CacheService,
    logs: LogControl,
    upstream: UpstreamHttp,
    pipeline: PipelineService,
  ) {
    this.targets = { cache, logs, upstream, pipeline };
    this.bus = new NotificationListener<{ key: string }>(
      endpoint.url,
      SETTINGS_CHANNEL,
      randomUUID(),
      (msg) => this.reloadInBackground(`setting ${msg.key} changed on another instance`),
      () => this.reloadInBackground('settings listener reconnected'),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.repository.registerCatalog(
      SETTINGS.map((d) => ({
        key: d.key,
        type: d.type,
        category: d.category,
        description: d.description,
        default: d.default(this.config),
        requiresRestart: d.requiresRestart ?? false,
        sensitive: d.sensitive ?? false,
        readOnly: d.readOnly ?? false,
        validation: d.validation,
      })),
    );
    await this.reload();
    await this.bus.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.stop();
  }

  /** The value in effect on this instance (an operator's, else the environment's). */
  value<T>(key: string): T {
    return this.effective[key] as T;
  }

  async list(): Promise<SettingView[]> {
    return (await this.repository.all())
      .filter((r) => SETTINGS_BY_KEY.has(r.key))
      .map((r) => this.view(r));
  }

  /** One category's settings (or all), a page of them and how many matched. */
  async page(filter: { category?: string; limit: number; offset: number }): Promise<SettingsPage> {
    const all = (await this.list()).filter(
      (s) => filter.category === undefined || s.category === filter.category,
    );
    return { settings: all.slice(filter.offset, filter.offset + filter.limit), total: all.length };
  }

  async categories(): Promise<{ name: string; count: number }[]> {
    return countByCategory(await this.list());
  }

  async stats(): Promise<SettingsStats> {
    const [settings, recent] = await Promise.all([this.list(), this.repository.changesSince(24)]);
    const count = (p: (s: SettingView) => boolean) => settings.filter(p).length;
    return {
      total: settings.length,
      requires_restart: count((s) => s.requires_restart),
      read_only: count((s) => s.read_only),
      sensitive: count((s) => s.sensitive),
      customised: count((s) => !s.is_default),
      recent_changes_24h: recent,
      by_category: Object.fromEntries(countByCategory(settings).map((c) => [c.name, c.count])),
    };
  }

  /** `ref` is a setting's key or its numeric id. */
  async get(ref: string): Promise<SettingView> {
    return this.view(await this.row(this.keyOf(ref)));
  }

  async history(ref: string, limit: number): Promise<ChangeView[]> {
    const key = this.keyOf(ref);
    await this.row(key);
    return (await this.repository.history(key, limit)).map((c) => this.changeView(c));
  }

  /** Changes of every setting, newest first. */
  async allHistory(limit: number): Promise<ChangeView[]> {
    return (await this.repository.allHistory(limit)).map((c) => this.changeView(c));
  }

  async update(
    ref: string,
    value: unknown,
    reason: string | null,
    actor: Actor,
  ): Promise<SettingView> {
    const key = this.keyOf(ref);
    const row = await this.row(key);
    const definition = SETTINGS_BY_KEY.get(key)!;
    if (definition.readOnly) {
      throw new ConflictError(`${key} is read-only; it is set in the environment`);
    }
    const problem =
      (value === null ? 'must not be null' : null) ??
      typeProblem(definition.type, value) ??
      definition.check(value);
    if (problem) {
      throw new ValidationFailedError([{ field: 'value', messages: [`${key} ${problem}`] }]);
    }
    const old = this.effectiveOf(definition, row.value);
    const mask = (v: unknown) => (definition.sensitive ? MASKED : v);
    await this.repository.change({
      key,
      value: definition.store ? definition.store(value) : value,
      auditOld: mask(old),
      auditNew: mask(value),
      userId: actor.id,
      username: actor.username,
      reason,
      ip: actor.ip,
    });
    await this.reload();
    try {
      await this.repository.notify(SETTINGS_CHANNEL, this.bus.encode({ key }));
    } catch (error) {
      // The change is stored: other instances pick it up on their next re-read.
      this.logger.warn({ err: error, key }, 'setting change not announced');
    }
    this.logger.log(
      { key, by: actor.username, old: mask(old), new: mask(value), reason },
      `setting ${key} changed`,
    );
    return this.get(key);
  }

  /**
   * Re-reads every setting and applies to this instance those whose value in effect
   * changed (all of them the first time).
   */
  async reload(): Promise<void> {
    const rows = new Map((await this.repository.all()).map((r) => [r.key, r]));
    const previous = this.loaded ? this.effective : null;
    const next: Record<string, unknown> = {};
    for (const d of SETTINGS) {
      next[d.key] = this.effectiveOf(d, rows.get(d.key)?.value ?? null);
    }
    this.effective = next;
    this.loaded = true;
    const changed = SETTINGS.filter(
      (d) => !previous || JSON.stringify(previous[d.key]) !== JSON.stringify(next[d.key]),
    );
    const appliers = new Set(changed.map((d) => d.apply).filter((a) => a !== undefined));
    for (const apply of appliers) {
      try {
        await apply(next, this.targets);
      } catch (error) {
        this.logger.error({ err: error }, 'a setting could not be applied');
      }
    }
  }

  private reloadInBackground(why: string): void {
    runInBackground(this.logger, why, () => this.reload());
  }

  private effectiveOf(definition: SettingDefinition, stored: unknown): unknown {
    return stored ?? definition.default(this.config);
  }

  /** A numeric reference is a setting's id (as the original clients use); else a key. */
  private keyOf(ref: string): string {
    if (!/^\d+$/.test(ref)) {
      return ref;
    }
    const definition = SETTINGS_BY_ID.get(Number(ref));
    if (!definition) {
      throw new NotFoundError(`No setting ${ref}`);
    }
    return definition.key;
  }

  private async row(key: string): Promise<SettingRow> {
    const row = SETTINGS_BY_KEY.has(key) ? await this.repository.one(key) : null;
    if (!row) {
      throw new NotFoundError(`No setting ${key}`);
    }
    return row;
  }

  private view(r: SettingRow): SettingView {
    const definition = SETTINGS_BY_KEY.get(r.key)!;
    const value = this.effectiveOf(definition, r.value);
    const defaultValue = definition.default(this.config);
    const mask = (v: unknown) => (r.sensitive && v !== '' ? MASKED : v);
    return {
      id: definition.id,
      key: r.key,
      value: mask(value),
      value_type: r.value_type,
      category: r.category,
      description: r.description,
      default_value: mask(defaultValue),
      is_default: r.value === null,
      requires_restart: r.requires_restart,
      sensitive: r.sensitive,
      is_sensitive: r.sensitive,
      read_only: r.read_only,
      is_readonly: r.read_only,
      validation: r.validation,
      updated_by_id: r.updated_by_id,
      updated_at: new Date(r.updated_at).toISOString(),
    };
  }

  private changeView(c: ChangeRow): ChangeView {
    return {
      id: Number(c.id),
      setting_id: SETTINGS_BY_KEY.get(c.setting_key)?.id ?? null,
      key: c.setting_key,
      old_value: c.old_value,
      new_value: c.new_value,
      changed_by: c.changed_by,
      changed_by_id: c.changed_by_id,
      reason: c.reason,
      change_reason: c.reason,
      ip_address: c.ip_address,
      changed_at: new Date(c.changed_at).toISOString(),
    };
  }
}

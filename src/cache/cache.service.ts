import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Keyv } from 'keyv';

import { runInBackground } from '../common/background.js';
import { isDatabaseUnavailable } from '../common/errors/index.js';
import { AppConfig } from '../config/index.js';
import { DatabaseEndpoint } from '../database/database-endpoint.js';
import { NotificationListener } from '../database/notification-listener.js';
import { type CacheRecord, cacheRecord, isFresh, isUsable } from './cache-entry.js';
import { ALL_NAMESPACES, CacheGenerations } from './cache-generations.js';

const CACHE_CHANNEL = 'kgdb_cache_invalidation';

/** `gen` is the cleared scope's new stored generation (absent from older instances). */
type Invalidation =
  /** A row was written: L2 holds the key until `until` (ms, null = never); drop any copy. */
  | { op: 'put'; key: string; until: number | null }
  | { op: 'del'; key: string }
  /** One namespace cleared: only instances of earlier releases still send it. */
  | { op: 'clear_ns'; ns: string; gen?: number }
  /** Namespaces cleared together, with their new generations: applied in one go. */
  | { op: 'clear_many'; scopes: [string, number][] }
  | { op: 'clear_all'; gen?: number };
import { CacheRepository, type KeyRow } from './cache.repository.js';
import { type CacheKey, cacheKey } from './cache-key.js';
import { DEFAULT_NAMESPACE_TTLS } from './cache-namespaces.js';
import { allStats, namespaceStats } from './cache-statistics.js';
import { CacheCounters } from './cache-stats.js';
import type { CacheStatsResponse, NamespaceStatsResponse } from './dto/cache.dto.js';
import { L2Breaker } from './l2-breaker.js';
import { L2Directory } from './l2-directory.js';
import { MemoryLruStore } from './stores/memory-lru.store.js';
import { type PendingWrite, PostgresCacheStore } from './stores/postgres.store.js';

const PURGE_CHUNK = 1000;
/** Beyond this many L2 rows the directory gives up and every miss reads L2 (about 100 B a key). */
const L2_DIRECTORY_MAX_KEYS = 500_000;

// Part of the cache's public surface: the key builder and the stored record's shape.
export type { CacheRecord } from './cache-entry.js';
export { cacheKey } from './cache-key.js';

/** A value from `wrapWithOutcome`; `stale` when served expired after a loader failure. */
export interface WrapOutcome<T> {
  value: T;
  stale: boolean;
}

/** A record from `wrapRecord`; `stale` as in `WrapOutcome`. */
export interface RecordOutcome {
  record: CacheRecord;
  stale: boolean;
}

export interface CleanupResult {
  l2_deleted: number;
  l1_deleted: number;
  duration_ms: number;
}

/**
 * The shared cache: an in-memory LRU (L1) over the `cache_entries` table (L2), with a
 * TTL per namespace, single-flight loading, stale fallback when a loader fails, and
 * cross-instance L1 invalidation. Values round-trip through JSON (dates become ISO
 * strings) and come back deeply frozen. TTLs are in seconds; 0 means never expires.
 */
@Injectable()
export class CacheService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CacheService.name);
  readonly instanceId = randomUUID();
  readonly l1: MemoryLruStore;
  readonly counters = new CacheCounters();
  readonly breaker = new L2Breaker(this.logger);
  private readonly l2: Keyv;
  private readonly inflight = new Map<string, Promise<RecordOutcome>>();
  private readonly generations = new CacheGenerations();
  private readonly directory = new L2Directory(L2_DIRECTORY_MAX_KEYS);
  /** Which keys L2 may hold, as this instance knows (for statistics and tests). */
  get l2Directory(): Pick<L2Directory, 'known' | 'size' | 'mayHold'> {
    return this.directory;
  }
  private readonly pendingWrites = new Set<Promise<void>>();
  private readonly bus: NotificationListener<Invalidation>;
  private ttls: Record<string, number>;
  private defaultTtlSeconds: number;
  private cleanupTimer?: NodeJS.Timeout;
  private cleanupRun?: Promise<CleanupResult>;
  lastCleanup: (CleanupResult & { at: string }) | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: CacheRepository,
    endpoint: DatabaseEndpoint,
  ) {
    const { l1MaxEntries, l1MaxBytes } = config.cache;
    this.ttls = { ...DEFAULT_NAMESPACE_TTLS, ...config.cache.namespaceTtls };
    this.defaultTtlSeconds = config.cache.defaultTtlSeconds;
    this.l1 = new MemoryLruStore(l1MaxEntries, l1MaxBytes);
    this.l2 = new Keyv({
      store: new PostgresCacheStore(repository),
      serialize: undefined,
      deserialize: undefined,
      useKeyPrefix: false,
      namespace: undefined,
      throwOnErrors: true,
    });
    this.l2.on('error', () => undefined); // failures surface through throwOnErrors
    // Cross-instance L1 coherence; after a reconnect L1 is cleared (misses cannot replay)
    // and the clear generations are read again.
    this.bus = new NotificationListener<Invalidation>(
      endpoint.url,
      CACHE_CHANNEL,
      this.instanceId,
      (msg) => this.applyRemote(msg),
      () => {
        this.l1.removeAll();
        this.resyncGenerations();
        this.directory.forget();
        runInBackground(this.logger, 'cache directory load', () => this.loadDirectory());
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.start();
    // After LISTEN, so no clear falls between the read and the first message.
    await this.syncGenerations();
    await this.loadDirectory();
    const every = this.config.cache.cleanupIntervalSeconds * 1000;
    if (every > 0) {
      this.cleanupTimer = setInterval(
        () => runInBackground(this.logger, 'cache cleanup', () => this.cleanupExpired()),
        every,
      ).unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.cleanupTimer) {
      clearInterval(this.cleanupTimer);
    }
    await this.bus.stop();
  }

  /** TTL (s) of namespaces without their own. */
  get defaultTtl(): number {
    return this.defaultTtlSeconds;
  }

  ttlFor(namespace: string): number {
    return this.ttls[namespace] ?? this.defaultTtlSeconds;
  }

  /**
   * Runtime TTLs (a settings change): `namespaceTtls` overrides the built-in defaults,
   * `defaultTtlSeconds` covers namespaces without one. Applies to entries written from
   * now on; stored entries keep the expiry they were written with.
   */
  setTtls(defaultTtlSeconds: number, namespaceTtls: Readonly<Record<string, number>>): void {
    this.defaultTtlSeconds = defaultTtlSeconds;
    this.ttls = { ...DEFAULT_NAMESPACE_TTLS, ...namespaceTtls };
  }

  /** Runtime L1 bounds (a settings change); entries over them are evicted at once. */
  resizeL1(maxEntries: number, maxBytes: number): void {
    this.l1.resize(maxEntries, maxBytes);
  }

  knownNamespaces(): string[] {
    return Object.keys(this.ttls);
  }

  get listenerConnected(): boolean {
    return this.bus.connected;
  }

  /**
   * Whether L2 answers now. The breaker alone only knows about failures some cache call
   * already met, so a health check asks the table; a failure opens the breaker as any
   * other L2 failure does, and an open breaker answers false without asking.
   */
  async l2Reachable(): Promise<boolean> {
    if (!this.breaker.available()) {
      return false;
    }
    try {
      await this.repository.ping();
      this.breaker.succeeded();
      return true;
    } catch (error) {
      this.breaker.failure(error);
      return false;
    }
  }

  /**
   * Every namespace with a TTL, stored entries, or activity in this process; without the
   * stored ones while L2 cannot answer.
   */
  async namespaces(): Promise<string[]> {
    const stored = (await this.fromL2(() => this.repository.namespaces())) ?? [];
    return [
      ...new Set([...this.knownNamespaces(), ...stored, ...this.counters.namespaces()]),
    ].sort();
  }

  /** Readable stored keys of a namespace, `limit` at a time after `cursor`. */
  async keys(
    namespace: string,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<{ keys: KeyRow[]; next_cursor: string | null }> {
    const limit = page.limit ?? 100;
    const rows = await this.repository.keys(namespace, limit + 1, page.cursor);
    const keys = rows.slice(0, limit);
    return { keys, next_cursor: rows.length > limit ? (keys.at(-1)?.cache_key ?? null) : null };
  }

  /** Readable stored keys of a namespace by page (1-based), and how many it holds. */
  async keysPage(
    namespace: string,
    page: number,
    pageSize: number,
  ): Promise<{ keys: KeyRow[]; total: number }> {
    const [keys, total] = await Promise.all([
      this.repository.keysAt(namespace, pageSize, (page - 1) * pageSize),
      this.repository.countKeys(namespace),
    ]);
    return { keys, total };
  }

  /** Statistics of every namespace, or of one (zeros when it holds nothing). */
  stats(): Promise<CacheStatsResponse>;
  stats(namespace: string): Promise<NamespaceStatsResponse>;
  stats(namespace?: string): Promise<CacheStatsResponse | NamespaceStatsResponse> {
    const sources = {
      figures: (ns?: string) => this.fromL2(() => this.repository.figures(ns)),
      counters: this.counters,
      l1: this.l1,
      ttlFor: (ns: string) => this.ttlFor(ns),
      namespaces: () => this.namespaces(),
    };
    return namespace === undefined ? allStats(sources) : namespaceStats(sources, namespace);
  }

  /**
   * A read of L2's own figures, or null while L2 cannot answer (breaker open, or the
   * database unavailable now, which opens the breaker); other errors are thrown.
   */
  private async fromL2<T>(read: () => Promise<T>): Promise<T | null> {
    if (!this.breaker.available()) {
      return null;
    }
    try {
      return await read();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) {
        throw error;
      }
      this.breaker.failure(error);
      return null;
    }
  }

  /**
   * The cached value, or undefined on a miss (a cached null comes back as null). L2 is
   * always asked, also for keys the directory does not list (a write another instance
   * has not announced yet is found).
   */
  async get<T = unknown>(key: unknown, namespace = 'default'): Promise<T | undefined> {
    const k = cacheKey(key, namespace);
    const local = this.l1.peek(k.storage);
    if (local && isFresh(local, Date.now())) {
      this.counters.bump(namespace, 'hits_l1');
      return local.value as T;
    }
    const stored = await this.readL2(k, this.generations.of(namespace));
    if (stored && isFresh(stored, Date.now())) {
      return stored.value as T;
    }
    this.counters.bump(namespace, 'misses');
    return undefined;
  }

  /**
   * The fresh in-memory record under a storage key, counted as an L1 hit, exactly when
   * `wrap` would answer from memory (no load in flight); otherwise undefined and
   * nothing counted. Synchronous, for the HTTP fast path. Record identity changes
   * whenever the entry is written, removed or invalidated by another instance.
   */
  peekFresh(storageKey: string, namespace: string): CacheRecord | undefined {
    if (this.inflight.has(storageKey)) {
      return undefined;
    }
    const now = Date.now();
    const local = this.l1.peek(storageKey, now);
    if (!local || !isFresh(local, now)) {
      return undefined;
    }
    this.counters.bump(namespace, 'hits_l1');
    return local;
  }

  async set(key: unknown, value: unknown, namespace = 'default', ttl?: number): Promise<void> {
    await this.store(cacheKey(key, namespace), value, this.generations.of(namespace), ttl);
  }

  /**
   * Resolves once every background write started so far has landed in L2 or been
   * dropped (failed, or refused because a clear came after its fill started).
   */
  async flushWrites(): Promise<void> {
    await Promise.allSettled([...this.pendingWrites]);
  }

  async delete(key: unknown, namespace = 'default'): Promise<boolean> {
    const k = cacheKey(key, namespace);
    const inMemory = this.l1.remove(k.storage);
    this.directory.removed(k.storage);
    this.counters.bump(namespace, 'deletes');
    if (!this.breaker.available()) {
      return inMemory;
    }
    try {
      const inTable = await this.repository.delete(k.storage);
      await this.publish({ op: 'del', key: k.storage });
      return inMemory || inTable;
    } catch (error) {
      this.l2Failed(namespace, error);
      return inMemory;
    }
  }

  /**
   * Cache-aside with single-flight: concurrent callers for one key share one loader
   * call. If the loader fails and an expired entry is still within the stale grace
   * window, that entry is served (and counted); otherwise the error reaches every
   * waiter and nothing is cached.
   */
  async wrap<T>(
    key: unknown,
    loader: () => Promise<T>,
    namespace = 'default',
    ttl?: number,
  ): Promise<T> {
    return (await this.wrapWithOutcome(key, loader, namespace, ttl)).value;
  }

  /**
   * `wrap`, also telling how the value was obtained: `stale` when it is an expired entry
   * served because the loader failed (callers that report freshness, like the response
   * cache's X-Cache header, must not call that a miss or a hit).
   */
  async wrapWithOutcome<T>(
    key: unknown,
    loader: () => Promise<T>,
    namespace = 'default',
    ttl?: number,
  ): Promise<WrapOutcome<T>> {
    const { record, stale } = await this.wrapRecord(key, loader, namespace, ttl);
    return { value: record.value as T, stale };
  }

  /**
   * `wrapWithOutcome`, giving the cache record itself: its JSON text is what an HTTP
   * answer sends, without parsing it back into a value first.
   */
  wrapRecord(
    key: unknown,
    loader: () => Promise<unknown>,
    namespace = 'default',
    ttl?: number,
  ): Promise<RecordOutcome> {
    const k = cacheKey(key, namespace);
    const pending = this.inflight.get(k.storage);
    if (pending) {
      this.counters.bump(namespace, 'coalesced');
      return pending;
    }
    const now = Date.now();
    const local = this.l1.peek(k.storage, now);
    if (local && isFresh(local, now)) {
      this.counters.bump(namespace, 'hits_l1');
      return Promise.resolve({ record: local, stale: false });
    }
    // A clear from now on makes this fill's writes stale: it carries the generation.
    const generation = this.generations.of(namespace);
    const flight: Promise<RecordOutcome> = this.load(k, loader, { ttl, generation }, local).finally(
      () => {
        // A clear may have detached this flight and a newer one taken its place.
        if (this.inflight.get(k.storage) === flight) {
          this.inflight.delete(k.storage);
        }
      },
    );
    this.inflight.set(k.storage, flight);
    return flight;
  }

  private async load(
    k: CacheKey,
    loader: () => Promise<unknown>,
    { ttl, generation }: { ttl: number | undefined; generation: number },
    local: CacheRecord | undefined,
  ): Promise<RecordOutcome> {
    // A key the table cannot hold is not looked up: the miss costs the loader plus one write.
    const stored =
      local ??
      (this.directory.mayHold(k.storage, Date.now())
        ? await this.readL2(k, generation)
        : undefined);
    if (stored && isFresh(stored, Date.now())) {
      return { record: stored, stale: false };
    }
    this.counters.bump(k.namespace, 'misses');
    this.counters.bump(k.namespace, 'loader_calls');
    let value: unknown;
    try {
      value = await loader();
    } catch (error) {
      if (stored && isUsable(stored, Date.now())) {
        this.counters.bump(k.namespace, 'stale_serves');
        this.logger.warn(
          { err: error, namespace: k.namespace, key: k.text.slice(0, 200) },
          'loader failed; serving the expired entry within its grace window',
        );
        return { record: stored, stale: true };
      }
      throw error;
    }
    // Waiters get the value once it is in memory; persisting to L2 does not delay them.
    return { record: await this.store(k, value, generation, ttl, true), stale: false };
  }

  /**
   * Writes both layers and returns the stored record (its value JSON round-tripped and
   * frozen when read). A record whose fill started before a clear of its namespace
   * (`generation` is no longer current) is returned to its caller but stored nowhere:
   * the clear wins.
   */
  private async store(
    k: CacheKey,
    value: unknown,
    generation: number,
    ttl?: number,
    persistInBackground = false,
  ): Promise<CacheRecord> {
    const json = JSON.stringify(value);
    if (json === undefined) {
      throw new TypeError(`value for ${k.text} is not JSON-serialisable`);
    }
    const now = Date.now();
    const seconds = ttl ?? this.ttlFor(k.namespace);
    const expiresAt = seconds > 0 ? now + seconds * 1000 : null;
    const staleUntil =
      expiresAt === null ? null : expiresAt + this.config.cache.staleGraceSeconds * 1000;
    // The text is parsed again only if someone reads `value`: the HTTP layer sends `json`.
    const record = cacheRecord({
      namespace: k.namespace,
      key: k.text,
      json,
      expiresAt,
      staleUntil,
      bytes: Buffer.byteLength(json),
    });
    if (!this.generations.current(k.namespace, generation)) {
      return record;
    }
    this.counters.bump(k.namespace, 'sets');
    this.l1.put(k.storage, record);
    if (!this.breaker.available()) {
      this.breaker.dropWrite();
      return record;
    }
    if (persistInBackground) {
      const write = this.persist(k, this.pendingWrite(k, record, generation), now).finally(() =>
        this.pendingWrites.delete(write),
      );
      this.pendingWrites.add(write);
      runInBackground(this.logger, 'cache write', () => write);
    } else {
      await this.persist(k, this.pendingWrite(k, record, generation), now);
    }
    return record;
  }

  /** An L2 write that tells other instances the table holds the key (see L2Directory). */
  private pendingWrite(k: CacheKey, record: CacheRecord, generation: number): PendingWrite {
    const payload = this.bus.encode({ op: 'put', key: k.storage, until: record.staleUntil });
    return { record, generation, notify: { channel: CACHE_CHANNEL, payload } };
  }

  /**
   * Writes L2 (L1 already holds the record); a write that replaces a row tells other
   * instances in the same statement. An L2 failure keeps the entry in L1; a write the
   * table refuses (a clear came after the fill started, maybe one this instance has not
   * heard of yet) reads the generations again.
   */
  private async persist(k: CacheKey, pending: PendingWrite, now: number): Promise<void> {
    const { record } = pending;
    let written: boolean;
    try {
      if (!this.generations.hasRow(k.namespace)) {
        await this.repository.ensureGenerations(k.namespace);
        this.generations.rowsExist(k.namespace);
      }
      written = await this.l2.set(
        k.storage,
        pending,
        record.staleUntil === null ? undefined : record.staleUntil - now,
      );
      this.breaker.succeeded();
    } catch (error) {
      this.l2Failed(k.namespace, error);
      this.breaker.dropWrite();
      return;
    }
    if (written) {
      this.directory.added(k.storage, record.staleUntil);
      return;
    }
    try {
      await this.syncGenerations();
    } catch (error) {
      this.logger.warn({ err: error }, 'cache generations not read after a refused write');
    }
  }

  private async readL2(k: CacheKey, generation: number): Promise<CacheRecord | undefined> {
    if (!this.breaker.available()) {
      return undefined;
    }
    let raw: { value?: CacheRecord } | undefined;
    try {
      raw = await this.l2.get(k.storage, { raw: true });
      this.breaker.succeeded();
    } catch (error) {
      this.l2Failed(k.namespace, error);
      return undefined;
    }
    const record = raw?.value;
    if (!record) {
      return undefined;
    }
    // Promoted with its remaining lifetime: the record carries absolute expiry times.
    // Not when a clear came after the read started: the row read may predate it.
    if (this.generations.current(k.namespace, generation)) {
      this.l1.put(k.storage, record);
    }
    if (isFresh(record, Date.now())) {
      this.counters.bump(k.namespace, 'hits_l2');
    }
    return record;
  }

  private l2Failed(namespace: string, error: unknown): void {
    this.counters.bump(namespace, 'errors');
    this.breaker.failure(error);
  }

  /**
   * Empties a namespace in both tiers on every instance. It wins over every write started
   * before it: the stored generation is bumped with the delete, in one transaction, and
   * fills that started under the old one write nothing (see `store`, `readL2`, and
   * CacheRepository.write for the table).
   */
  clearNamespace(namespace: string): Promise<number> {
    return this.clearNamespaces([namespace]);
  }

  /**
   * Empties several namespaces at once, on every instance: one transaction moves their
   * generations and deletes their rows, and each instance applies the clear to all of them
   * in the same turn of its event loop. For namespaces whose entries are built from one
   * another (a gene list page holds totals kept in `genes-meta`): cleared one by one, a
   * page filled between two clears, from the other namespace's old totals, would outlive
   * both clears.
   */
  async clearNamespaces(namespaces: readonly string[]): Promise<number> {
    let cleared: { deleted: number; generations: Map<string, number> };
    try {
      cleared = await this.repository.clearScopes(namespaces);
    } catch (error) {
      for (const ns of namespaces) {
        this.l1.removeNamespace(ns); // L1 at least, as before the table could not answer
      }
      throw error;
    }
    let inMemory = 0;
    for (const [ns, generation] of cleared.generations) {
      inMemory += this.forgetNamespace(ns, generation);
    }
    await this.publish({ op: 'clear_many', scopes: [...cleared.generations] });
    this.logger.log(
      { namespaces: [...cleared.generations.keys()], l1: inMemory, l2: cleared.deleted },
      'cache namespaces cleared',
    );
    return Math.max(inMemory, cleared.deleted);
  }

  /** Empties every namespace, as `clearNamespaces` does several. */
  async clearAll(): Promise<number> {
    let cleared: { deleted: number; generation: number };
    try {
      cleared = await this.repository.clearScope(ALL_NAMESPACES);
    } catch (error) {
      this.l1.removeAll(); // L1 at least, as before the table could not answer
      throw error;
    }
    // Together, synchronously: a fill that wrote L1 before this is removed, one after
    // finds its generation stale.
    this.generations.adopt(ALL_NAMESPACES, cleared.generation);
    this.detachFlights(ALL_NAMESPACES);
    const inMemory = this.l1.removeAll();
    this.forgetScope(ALL_NAMESPACES);
    await this.publish({ op: 'clear_all', gen: cleared.generation });
    this.logger.log({ l1: inMemory, l2: cleared.deleted }, 'cache cleared');
    return Math.max(inMemory, cleared.deleted);
  }

  /**
   * Reads the stored generations; a scope that moved without this instance hearing of it
   * (a missed message) is emptied from L1. Skipped while L2 cannot answer.
   */
  private async syncGenerations(): Promise<void> {
    const stored = await this.fromL2(() => this.repository.generations());
    for (const [scope, generation] of stored ?? []) {
      if (this.generations.adopt(scope, generation)) {
        if (scope === ALL_NAMESPACES) {
          this.l1.removeAll();
        } else {
          this.l1.removeNamespace(scope);
        }
        this.forgetScope(scope);
      }
    }
  }

  /**
   * Loads in flight in `scope` started before a clear: their callers still get their
   * value, but callers from now on start a new load instead of sharing a stale one.
   */
  private detachFlights(scope: string): void {
    for (const key of this.inflight.keys()) {
      if (scope === ALL_NAMESPACES || key.startsWith(`${scope}:`)) {
        this.inflight.delete(key);
      }
    }
  }

  private resyncGenerations(): void {
    runInBackground(this.logger, 'cache generations sync', () => this.syncGenerations());
  }

  /** Purges rows past their stale window in chunks, yielding between them. */
  cleanupExpired(): Promise<CleanupResult> {
    this.cleanupRun ??= this.purge().finally(() => (this.cleanupRun = undefined));
    return this.cleanupRun;
  }

  private async purge(): Promise<CleanupResult> {
    const started = performance.now();
    const l1Deleted = this.l1.sweep();
    this.directory.sweep(Date.now());
    let l2Deleted = 0;
    for (;;) {
      const n = await this.repository.purgeExpiredChunk(PURGE_CHUNK);
      l2Deleted += n;
      if (n < PURGE_CHUNK) {
        break;
      }
      await yieldToEventLoop();
    }
    const result = {
      l2_deleted: l2Deleted,
      l1_deleted: l1Deleted,
      duration_ms: Math.round(performance.now() - started),
    };
    this.lastCleanup = { ...result, at: new Date().toISOString() };
    if (l2Deleted + l1Deleted > 0) {
      this.logger.log(result, 'expired cache entries purged');
    }
    return result;
  }

  /** The rows of a cleared scope are gone: the directory drops their keys. */
  private forgetScope(scope: string): void {
    if (scope === ALL_NAMESPACES) {
      this.directory.removeAll();
    } else {
      this.directory.removeNamespace(scope);
    }
  }

  /**
   * Reads which keys L2 holds (see L2Directory); on failure the directory stays unknown
   * and every miss reads L2.
   */
  private async loadDirectory(): Promise<void> {
    try {
      const rows = await this.fromL2(() => this.repository.usableKeys(L2_DIRECTORY_MAX_KEYS + 1));
      if (rows === null) {
        this.directory.forget();
        return;
      }
      this.directory.load(rows);
      if (!this.directory.known) {
        this.logger.warn(
          { max_keys: L2_DIRECTORY_MAX_KEYS },
          'L2 holds more keys than the directory keeps; every cache miss reads L2',
        );
      }
    } catch (error) {
      this.directory.forget();
      this.logger.warn({ err: error }, 'cache directory not loaded; every cache miss reads L2');
    }
  }

  private async publish(msg: Invalidation): Promise<void> {
    try {
      await this.repository.notify(CACHE_CHANNEL, this.bus.encode(msg));
    } catch (error) {
      this.logger.warn({ err: error }, 'cache invalidation not published');
    }
  }

  /**
   * A namespace cleared at `generation`, here: the generation first, then in-flight loads,
   * L1 and the directory, synchronously (a fill's later L1 write finds its generation
   * stale). Returns how many L1 entries went.
   */
  private forgetNamespace(ns: string, generation: number): number {
    this.generations.adopt(ns, generation);
    this.detachFlights(ns);
    const removed = this.l1.removeNamespace(ns);
    this.forgetScope(ns);
    return removed;
  }

  private applyRemote(msg: Invalidation): void {
    if (msg.op === 'put') {
      this.l1.remove(msg.key);
      this.directory.added(msg.key, msg.until);
      return;
    }
    if (msg.op === 'del') {
      this.l1.remove(msg.key);
      this.directory.removed(msg.key);
      return;
    }
    if (msg.op === 'clear_many') {
      for (const [ns, generation] of msg.scopes) {
        this.forgetNamespace(ns, generation);
      }
      return;
    }
    // Generation first, then L1: a fill's later L1 write finds its generation stale.
    const scope = msg.op === 'clear_ns' ? msg.ns : ALL_NAMESPACES;
    if (msg.gen === undefined) {
      this.resyncGenerations();
    } else {
      this.generations.adopt(scope, msg.gen);
    }
    this.detachFlights(scope);
    if (msg.op === 'clear_ns') {
      this.l1.removeNamespace(msg.ns);
    } else {
      this.l1.removeAll();
    }
    this.forgetScope(scope);
  }
}

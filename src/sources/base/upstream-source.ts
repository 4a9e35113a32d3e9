import { Logger } from '@nestjs/common';

import type { ParseResult } from '../../common/evidence/evidence-record.js';
import type {
  AnnotationDeclaration,
  EvidenceDeclaration,
} from '../catalog/source-declaration.types.js';
import type { SnapshotUpstream } from '../snapshot/snapshot.server.js';
import type { StreamConsumer } from '../upstream/upstream-http.service.js';
import type { SourceToolkit } from './source-toolkit.js';

export interface SourceRunContext {
  readonly runId: string;
  /** Download again instead of answering from the cache. */
  readonly force: boolean;
  /** Aborted when the run is cancelled; sources check it between requests. */
  readonly signal: AbortSignal;
  /** Progress within the fetch, published on the progress bus with an ETA. */
  progress(update: { processed?: number; total?: number | null; current?: string | null }): void;
}

interface FetchOptions {
  /** Seconds; the namespace TTL when omitted; 0 = not cached (large bulk files). */
  ttl?: number;
  headers?: Record<string, string>;
  /** GET unless given; a POST body is part of the cache key. */
  method?: 'GET' | 'POST';
  body?: string;
  /** Why a parsed JSON body is unusable, or null; unusable bodies are errors, never cached. */
  validate?: (body: unknown) => string | null;
  /** Stops the request where it is (a paused or cancelled run). */
  signal?: AbortSignal;
}

/**
 * What every upstream source gets without writing it: requests through the shared
 * client (per-domain rate limit and concurrency cap, one retry layer honouring
 * Retry-After, a circuit breaker per domain), responses cached in the source's own
 * namespace with stale fallback, the snapshot stand-in for each upstream, and a logger.
 */
export abstract class UpstreamSource {
  /** Everything the rest of the system knows about this source, written once. */
  abstract readonly declaration: EvidenceDeclaration | AnnotationDeclaration;
  protected readonly logger = new Logger(this.constructor.name);

  constructor(protected readonly kit: SourceToolkit) {}

  /** The source name used in evidence rows, progress events and the API. */
  get name(): string {
    return this.declaration.name;
  }

  /** The cache namespace of its upstream responses (never `default`). */
  get namespace(): string {
    return this.declaration.namespace;
  }

  protected text(url: string, options: FetchOptions = {}): Promise<string> {
    return this.kit.http.text({ url, source: this.name, namespace: this.namespace, ...options });
  }

  protected json<T>(url: string, options: FetchOptions = {}): Promise<T> {
    return this.kit.http.json<T>({
      url,
      source: this.name,
      namespace: this.namespace,
      ...options,
    });
  }

  /**
   * A large download streamed through `consume` (never buffered whole, never cached);
   * `consume` runs again from the start if the download has to be restarted.
   */
  protected stream<T>(
    url: string,
    consume: StreamConsumer<T>,
    options: Omit<FetchOptions, 'ttl' | 'validate'> = {},
  ): Promise<T> {
    return this.kit.http.stream(
      { url, source: this.name, namespace: this.namespace, ...options },
      consume,
    );
  }

  /** Named response headers of an uncached request (release labels, say). */
  protected responseHeaders(
    url: string,
    names: string[],
    options: Omit<FetchOptions, 'ttl' | 'validate'> = {},
  ): Promise<Record<string, string | null>> {
    return this.kit.http.headers(
      { url, source: this.name, namespace: this.namespace, ...options },
      names,
    );
  }

  /**
   * The base URL to call: the configured live one, or in snapshot mode the loopback
   * snapshot server's stand-in for `upstream` followed by `snapshotPath` (the live path).
   */
  protected upstream(upstream: SnapshotUpstream, live: string, snapshotPath: string): string {
    return this.kit.snapshot.enabled
      ? `${this.kit.snapshot.urlFor(upstream)}${snapshotPath}`
      : live;
  }

  /** Drops the cached upstream responses, so the next fetch downloads again. */
  clearCache(): Promise<number> {
    return this.kit.cache.clearNamespace(this.namespace);
  }
}

/** A source of evidence rows (one per gene and source). */
export abstract class EvidenceSource extends UpstreamSource {
  abstract override readonly declaration: EvidenceDeclaration;

  /**
   * Parsed batches of evidence. The runner stores each batch before the generator
   * continues, so code after a `yield` may record a checkpoint for what was stored.
   */
  abstract batches(ctx: SourceRunContext): AsyncGenerator<ParseResult>;
}

import { Injectable, Logger } from '@nestjs/common';
import {
  BrokenCircuitError,
  circuitBreaker,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  handleWhen,
  type IPolicy,
  type IRetryBackoffContext,
  retry,
  wrap,
} from 'cockatiel';

import { CacheService } from '../../cache/cache.service.js';
import { correlationHeaders, currentContext } from '../../common/request-context.js';
import { AppConfig } from '../../config/index.js';
import { DomainLimiter } from './domain-limiter.js';
import {
  retryAfterMs,
  UpstreamPayloadError,
  UpstreamRetryableError,
  UpstreamStoppedError,
  UpstreamUnavailableError,
} from './upstream.errors.js';
import { UpstreamRateSlotsRepository } from './upstream-rate-slots.repository.js';

export interface UpstreamRequest {
  url: string;
  /** The source asking (for logs and statistics). */
  source: string;
  /** Cache namespace for the response (the source's own; never `default`). */
  namespace: string;
  /** Seconds; the namespace TTL when omitted. 0 = do not cache. */
  ttl?: number;
  headers?: Record<string, string>;
  /** GET unless given; a POST body is part of the cache key. */
  method?: 'GET' | 'POST';
  body?: string;
  /**
   * For JSON: why a parsed body is unusable (a missing list, say), or null when it is
   * fine. An unusable body is an UpstreamPayloadError and is never cached.
   */
  validate?: (body: unknown) => string | null;
  /** Stops the request where it is (no retry, nothing cached), e.g. for a pause. */
  signal?: AbortSignal;
}

interface UpstreamResponse {
  body: string;
  headers: Headers;
}

/** A streamed download: never cached, so no namespace TTL, method or validation. */
export type UpstreamStreamRequest = Omit<UpstreamRequest, 'ttl' | 'validate'>;

/**
 * Reads a streamed body. Called again, with a fresh body, when the download is restarted
 * after the connection broke, so it must keep its state local to the call. Errors it
 * throws itself (a malformed payload) are not retried.
 */
export type StreamConsumer<T> = (body: AsyncIterable<Uint8Array>, headers: Headers) => Promise<T>;

/** GET requests are keyed by URL (as before); a POST adds its method and body. */
function cacheKeyOf(request: UpstreamRequest): Record<string, string> {
  return request.method === 'POST'
    ? { url: request.url, method: 'POST', body: request.body ?? '' }
    : { url: request.url };
}

interface DomainState {
  group: string;
  limiter: DomainLimiter;
  policy: IPolicy;
  breaker: CircuitBreakerPolicy;
  failures: number;
  requests: number;
}

const CIRCUIT_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

export interface DomainHealth {
  domain: string;
  circuit: string;
  requests: number;
  failures: number;
  per_second: number;
  queued: number;
}

/**
 * The one way sources reach upstream APIs: per-domain rate limit and concurrency cap
 * (shared by all sources on a domain), one retry layer with exponential back-off, jitter
 * and Retry-After, a circuit breaker per domain, correlation headers, and caching
 * through the cache module with stale fallback when the upstream is down.
 */
@Injectable()
export class UpstreamHttp {
  private readonly logger = new Logger(UpstreamHttp.name);
  private readonly domains = new Map<string, DomainState>();
  /** Host suffix → requests per second; starts from config, changed by settings. */
  private rateLimits: Readonly<Record<string, number>>;

  constructor(
    private readonly config: AppConfig,
    private readonly cache: CacheService,
    private readonly rateSlots: UpstreamRateSlotsRepository,
  ) {
    this.rateLimits = config.upstream.rateLimits;
  }

  /**
   * Runtime per-domain rates (a settings change): domains already in use get their new
   * rate for the next request; `default` covers hosts no suffix matches.
   */
  setRateLimits(rateLimits: Readonly<Record<string, number>>): void {
    this.rateLimits = rateLimits;
    for (const state of this.domains.values()) {
      state.limiter.setPerSecond(this.rateFor(state.group));
    }
  }

  /** Requests per second a domain (rate-limit group) is held to now. */
  rateFor(group: string): number {
    return this.rateLimits[group] ?? this.rateLimits.default ?? 5;
  }

  /**
   * How far the database clock is ahead of this process's, at most: the largest
   * `db_now − received` seen. Each sample undershoots by that answer's latency, so the
   * estimate errs towards starting late, never early.
   */
  private dbClockAhead = Number.NEGATIVE_INFINITY;

  /**
   * Books the domain's next start slot in PostgreSQL, so every instance keeps to one
   * shared limit: the wait in milliseconds, or null when the database cannot answer.
   * The slot is an instant on the database clock, and the wait runs to that instant.
   * A wait measured from when the booking was made would start a request late by
   * however long its answer took to arrive, while the next instance's request started
   * on time.
   */
  private async bookSlot(group: string, spacingMs: number): Promise<number | null> {
    try {
      const row = await this.rateSlots.book(group, spacingMs);
      if (!row) {
        return null;
      }
      this.dbClockAhead = Math.max(this.dbClockAhead, row.db_now_ms - Date.now());
      return row.slot_ms - (Date.now() + this.dbClockAhead);
    } catch (error) {
      this.logger.warn(
        { err: error, domain: group },
        'shared rate slot not booked; local limit only',
      );
      return null;
    }
  }

  /** The body as text, from the cache when fresh; see class comment for the rest. */
  async text(request: UpstreamRequest): Promise<string> {
    if (request.ttl === 0) {
      return (await this.fetchWithPolicies(request)).body;
    }
    return this.cache.wrap(
      cacheKeyOf(request),
      async () => (await this.fetchWithPolicies(request)).body,
      request.namespace,
      request.ttl,
    );
  }

  /** Parsed JSON; a body that is not JSON is an UpstreamPayloadError (never cached). */
  async json<T = unknown>(request: UpstreamRequest): Promise<T> {
    const load = async () => {
      const { body } = await this.fetchWithPolicies({
        ...request,
        headers: { Accept: 'application/json', ...request.headers },
      });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new UpstreamPayloadError(`${request.source}: ${request.url} did not return JSON`, {
          preview: body.slice(0, 200),
        });
      }
      const problem = request.validate?.(parsed) ?? null;
      if (problem !== null) {
        throw new UpstreamPayloadError(`${request.source}: ${request.url}: ${problem}`, {
          preview: body.slice(0, 200),
        });
      }
      return parsed as T;
    };
    if (request.ttl === 0) {
      return load();
    }
    return this.cache.wrap(
      { ...cacheKeyOf(request), as: 'json' },
      load,
      request.namespace,
      request.ttl,
    );
  }

  /**
   * Streams a large body through `consume` without holding it (bulk files of hundreds of
   * MB). Same rate limit, concurrency slot (held while the body streams), retry and
   * circuit breaker as every request; never cached. The timeout bounds the wait for the
   * headers and then each pause between chunks, not the whole download. A connection
   * that breaks mid-body restarts the download (a new `consume` call) within the
   * attempts; the abort signal stops it where it is.
   */
  async stream<T>(request: UpstreamStreamRequest, consume: StreamConsumer<T>): Promise<T> {
    return this.withPolicies(request, (domain, r) => this.streamAttempt(domain, r, consume));
  }

  /** The named response headers (lower-case) of an uncached request; for release labels. */
  async headers(request: UpstreamRequest, names: string[]): Promise<Record<string, string | null>> {
    const { headers } = await this.fetchWithPolicies(request);
    return Object.fromEntries(names.map((n) => [n, headers.get(n)]));
  }

  health(): DomainHealth[] {
    return [...this.domains.entries()].map(([domain, d]) => ({
      domain,
      circuit: CIRCUIT_NAMES[d.breaker.state],
      requests: d.requests,
      failures: d.failures,
      per_second: d.limiter.limit.perSecond,
      queued: d.limiter.queued,
    }));
  }

  /** The rate-limit group of a host: the longest configured suffix it ends with. */
  groupFor(host: string): string {
    const matches = Object.keys(this.rateLimits)
      .filter((suffix) => suffix !== 'default' && (host === suffix || host.endsWith(`.${suffix}`)))
      .sort((a, b) => b.length - a.length);
    return matches[0] ?? host;
  }

  private domain(host: string): DomainState {
    const group = this.groupFor(host);
    const state = this.domains.get(group);
    if (state) {
      return state;
    }
    const cfg = this.config.upstream;
    const perSecond = this.rateFor(group);
    const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((ctx) => {
      const error = 'error' in ctx.result ? ctx.result.error : undefined;
      const exponential = Math.min(cfg.backoffMaxMs, cfg.backoffBaseMs * 2 ** (ctx.attempt - 1));
      const jittered = exponential / 2 + Math.random() * (exponential / 2);
      const asked = error instanceof UpstreamRetryableError ? (error.retryAfterMs ?? 0) : 0;
      return Math.min(cfg.backoffMaxMs, Math.max(jittered, asked));
    });
    const retryable = handleWhen(
      (e) => e instanceof UpstreamRetryableError && !(e instanceof BrokenCircuitError),
    );
    const breaker = circuitBreaker(
      handleWhen((e) => e instanceof UpstreamRetryableError),
      {
        halfOpenAfter: cfg.breakerOpenMs,
        breaker: new ConsecutiveBreaker(cfg.breakerFailures),
      },
    );
    const created: DomainState = {
      group,
      limiter: new DomainLimiter({ perSecond, concurrency: cfg.concurrency }, (spacing) =>
        this.bookSlot(group, spacing),
      ),
      policy: wrap(retry(retryable, { maxAttempts: cfg.maxAttempts - 1, backoff }), breaker),
      breaker,
      failures: 0,
      requests: 0,
    };
    breaker.onStateChange((s) => {
      this.logger.warn(
        { domain: group, state: CIRCUIT_NAMES[s] },
        'upstream circuit state changed',
      );
    });
    this.domains.set(group, created);
    return created;
  }

  private fetchWithPolicies(request: UpstreamRequest): Promise<UpstreamResponse> {
    return this.withPolicies(request, (domain, r) => this.attempt(domain, r));
  }

  /** Runs attempts under the domain's retry and breaker, mapping their errors for callers. */
  private async withPolicies<T, R extends UpstreamStreamRequest>(
    request: R,
    attempt: (domain: DomainState, request: R) => Promise<T>,
  ): Promise<T> {
    const url = new URL(request.url);
    const domain = this.domain(url.hostname);
    const signal = stopSignalOf(request);
    if (signal?.aborted) {
      throw new UpstreamStoppedError(request.url);
    }
    try {
      const work = domain.policy.execute(() =>
        attempt(domain, signal ? { ...request, signal } : request),
      );
      return await (signal ? untilStopped(work, signal, request.url) : work);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new UpstreamUnavailableError(
          `${request.source}: circuit for ${domain.group} is open`,
        );
      }
      if (error instanceof UpstreamRetryableError) {
        throw new UpstreamUnavailableError(
          `${request.source}: ${request.url} failed after ${this.config.upstream.maxAttempts} attempts (${error.message})`,
          error.status,
        );
      }
      throw error;
    }
  }

  /** A rate-limit slot; none is taken (and nothing sent) once the request's run stopped. */
  private async slot(domain: DomainState, request: UpstreamRequest): Promise<() => void> {
    try {
      return await domain.limiter.acquire(request.signal);
    } catch (error) {
      if (request.signal?.aborted) {
        throw new UpstreamStoppedError(request.url, { cause: error });
      }
      throw error;
    }
  }

  /** One HTTP attempt, holding a rate-limit slot only while it runs. */
  private async attempt(domain: DomainState, request: UpstreamRequest): Promise<UpstreamResponse> {
    const release = await this.slot(domain, request);
    domain.requests += 1;
    try {
      const timeout = AbortSignal.timeout(this.config.upstream.timeoutMs);
      const res = await this.send(
        domain,
        request,
        request.signal ? AbortSignal.any([timeout, request.signal]) : timeout,
        () => timeout.aborted,
      );
      try {
        return { body: await res.text(), headers: res.headers };
      } catch (error) {
        if (request.signal?.aborted) {
          throw new UpstreamStoppedError(request.url, { cause: error });
        }
        domain.failures += 1;
        throw new UpstreamRetryableError(
          `${request.url}: body cut off (${(error as Error).message})`,
          null,
          null,
        );
      }
    } finally {
      release();
    }
  }

  /**
   * Sends the request and checks its status. A request stopped by the caller's signal is
   * not the upstream's fault and is not retried; a network error or a timeout is.
   */
  private async send(
    domain: DomainState,
    request: UpstreamRequest,
    signal: AbortSignal,
    timedOut: () => boolean,
  ): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(request.url, {
        method: request.method ?? 'GET',
        body: request.body,
        headers: {
          'User-Agent': 'kidney-genetics-db',
          ...correlationHeaders(),
          ...request.headers,
        },
        signal,
      });
    } catch (error) {
      if (request.signal?.aborted) {
        throw new UpstreamStoppedError(request.url, { cause: error });
      }
      domain.failures += 1;
      const reason = timedOut() ? 'timed out' : (error as Error).message;
      throw new UpstreamRetryableError(`${request.url}: ${reason}`, null, null);
    }
    await this.checkStatus(domain, request, res);
    return res;
  }

  /** One streamed attempt: headers within the timeout, then the body through `consume`. */
  private async streamAttempt<T>(
    domain: DomainState,
    request: UpstreamStreamRequest,
    consume: StreamConsumer<T>,
  ): Promise<T> {
    const release = await this.slot(domain, request);
    domain.requests += 1;
    const idle = new IdleTimer(this.config.upstream.timeoutMs);
    const signal = request.signal ? AbortSignal.any([idle.signal, request.signal]) : idle.signal;
    const stopped = (error: unknown) => new UpstreamStoppedError(request.url, { cause: error });
    try {
      const res = await this.send(domain, request, signal, () => idle.fired);
      const body = res.body;
      if (!body) {
        throw new UpstreamPayloadError(`${request.source}: ${request.url} has no body`);
      }
      idle.touch();
      const chunks = async function* (): AsyncGenerator<Uint8Array> {
        try {
          for await (const chunk of body as AsyncIterable<Uint8Array>) {
            idle.touch();
            yield chunk;
          }
        } catch (error) {
          if (request.signal?.aborted) {
            throw stopped(error);
          }
          domain.failures += 1;
          const reason = idle.fired ? 'stalled' : `body cut off (${(error as Error).message})`;
          throw new UpstreamRetryableError(`${request.url}: ${reason}`, null, null);
        }
      };
      try {
        return await consume(chunks(), res.headers);
      } catch (error) {
        if (request.signal?.aborted && !(error instanceof UpstreamRetryableError)) {
          throw stopped(error);
        }
        throw error;
      } finally {
        // A consumer that stopped early (or threw) leaves the rest of the body unread.
        await body.cancel().catch(() => undefined);
      }
    } finally {
      idle.stop();
      release();
    }
  }

  /** 429 and 5xx are retryable; other non-2xx answers are final. */
  private async checkStatus(
    domain: DomainState,
    request: UpstreamStreamRequest,
    res: Response,
  ): Promise<void> {
    if (res.status === 429 || res.status >= 500) {
      domain.failures += 1;
      await res.body?.cancel();
      throw new UpstreamRetryableError(
        `${request.url} answered ${res.status}`,
        res.status,
        retryAfterMs(res.headers.get('retry-after')),
      );
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new UpstreamUnavailableError(
        `${request.source}: ${request.url} answered ${res.status}`,
        res.status,
      );
    }
  }
}

/**
 * Aborts when nothing happened for `ms`: first the wait for the headers, then each pause
 * between body chunks, so a long download is bounded by stalls, not by its length.
 */
class IdleTimer {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  fired = false;

  constructor(private readonly ms: number) {
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new DOMException('upstream idle', 'TimeoutError'));
    }, this.ms);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** The request's own signal and its run's stop signal, as one (or none). */
function stopSignalOf(request: UpstreamStreamRequest): AbortSignal | undefined {
  const run = currentContext()?.stopSignal;
  if (run && request.signal && run !== request.signal) {
    return AbortSignal.any([run, request.signal]);
  }
  return request.signal ?? run;
}

/**
 * `work`, or an UpstreamStoppedError as soon as `signal` aborts: a retry's back-off sleep
 * does not hold a paused run. The attempt after that sleep finds the signal aborted and
 * sends nothing; its outcome is dropped.
 */
function untilStopped<T>(work: Promise<T>, signal: AbortSignal, url: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new UpstreamStoppedError(url));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

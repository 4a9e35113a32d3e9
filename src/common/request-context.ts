import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId?: string;
  userId?: number;
  /** Set for pipeline work: every line logged inside the run carries it. */
  runId?: string;
  /**
   * Set for a source run: aborted when the run is paused or cancelled. Every upstream
   * request made inside the run carries it, so none starts after the stop.
   */
  stopSignal?: AbortSignal;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` visible to everything it calls, awaited or not. */
export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Adds to the current context in place (e.g. the user, once authenticated). */
export function enrichContext(values: Partial<RequestContext>): void {
  const store = storage.getStore();
  if (store) {
    Object.assign(store, values);
  }
}

/** Headers that carry the correlation id to upstream services. */
export function correlationHeaders(): Record<string, string> {
  const ctx = storage.getStore();
  const id = ctx?.requestId ?? ctx?.runId;
  return id ? { 'X-Request-ID': id } : {};
}

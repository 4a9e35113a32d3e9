import type { TestApp } from '../support/app-factory.js';
import type { LoggedIn } from '../support/auth.js';
import type { TestDb } from '../support/test-db.js';

export type Role = 'anonymous' | 'viewer' | 'curator' | 'admin';

/** What the replayed calls need: seeded data, sessions per role, fresh resources. */
export interface ContractContext {
  t: TestApp;
  db: TestDb;
  adminPassword: string;
  gene: { id: number; symbol: string; hgncId: string };
  token(role: Role): string | undefined;
  /** A new user of `role`, logged in (for calls that end or change its session). */
  freshLogin(
    role: Exclude<Role, 'anonymous'>,
  ): Promise<LoggedIn & { id: number; password: string }>;
  /** A new DiagnosticPanels upload (one gene) by a new provider. */
  upload(): Promise<{ uploadId: number; identifier: string }>;
  /** A setting an admin may change (not read-only), with its id and current value. */
  editableSetting(): Promise<{ id: number; value: unknown }>;
  /** A key the cache holds in `namespace` now (after a read that fills it). */
  cachedKey(namespace: 'genes'): Promise<string>;
  /** A new completed backup's id (made through the API, waited for). */
  backup(): Promise<number>;
  /** Waits until no restore is pending or running (the service answers 503 meanwhile). */
  restoresDone(): Promise<void>;
  /** A new pending staging entry's id. */
  stagingId(): Promise<number>;
  /** A CalVer version no release has. */
  freshVersion(): string;
  /** A new draft release, or the (one, shared) published release. */
  release(state: 'draft' | 'published'): Promise<{ id: number; version: string }>;
  /** A name no other call used. */
  unique(prefix: string): string;
  /** An HGNC id no gene has. */
  uniqueHgncId(): string;
}

/**
 * The dotted paths (`data.0.id`) missing from `body`, as the client would find them: a
 * missing key, or a null where the client reads into it. Empty when all are there.
 */
export function has(body: unknown, ...paths: string[]): string[] {
  return paths.filter((path) => {
    let at: unknown = body;
    for (const key of path.split('.')) {
      if (at === null || typeof at !== 'object' || !(key in at)) {
        return true;
      }
      at = (at as Record<string, unknown>)[key];
    }
    return false;
  });
}

import type { EntityManager } from 'typeorm';

declare const brand: unique symbol;

/**
 * A transaction as services hold it: a handle to pass back to repositories, with
 * nothing on it to query with, so that SQL stays in repositories (docs/architecture.md).
 */
export interface Transaction {
  readonly [brand]: 'Transaction';
}

/** For repositories: the handle of a transaction they opened. */
export function asTransaction(manager: EntityManager): Transaction {
  return manager as unknown as Transaction;
}

/** For repositories: the manager of `tx`, or `outside` when there is no transaction. */
export function managerOf(tx: Transaction | undefined, outside: EntityManager): EntityManager {
  return tx ? (tx as unknown as EntityManager) : outside;
}

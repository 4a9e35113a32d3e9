// Every migration, in order. `npm run migration:generate` appends new ones here;
// a unit test fails when a file in this folder is missing from the list.
import { Baseline1763700000000 } from './1763700000000-Baseline.js';
import { CreateAuthTables1795246180498 } from './1795246180498-CreateAuthTables.js';
import { CreateCacheEntries1795246915748 } from './1795246915748-CreateCacheEntries.js';

export const migrations = [
  Baseline1763700000000,
  CreateAuthTables1795246180498,
  CreateCacheEntries1795246915748,
];

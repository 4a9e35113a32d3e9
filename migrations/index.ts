// Every migration, in order. `npm run migration:generate` rewrites this file;
// a test fails when a file in this folder is missing from the list.
import { Baseline1763700000000 } from './1763700000000-Baseline.js';
import { CreateAuthTables1795246180498 } from './1795246180498-CreateAuthTables.js';
import { CreateCacheEntries1795246915748 } from './1795246915748-CreateCacheEntries.js';
import { CreateSystemLogs1795247302917 } from './1795247302917-CreateSystemLogs.js';
import { CreateGeneTables1795248508765 } from './1795248508765-CreateGeneTables.js';
import { CreateGeneStaging1795250101650 } from './1795250101650-CreateGeneStaging.js';
import { CreateSourceCheckpointsAndUploads1795255405907 } from './1795255405907-CreateSourceCheckpointsAndUploads.js';
import { CreatePipelineRuns1795256379136 } from './1795256379136-CreatePipelineRuns.js';
import { CreateAnnotationFailures1795256412804 } from './1795256412804-CreateAnnotationFailures.js';
import { SystemSettings1795260272697 } from './1795260272697-SystemSettings.js';
import { AddUpstreamRateSlots1795260293743 } from './1795260293743-AddUpstreamRateSlots.js';
import { SystemLogsLevelIndexSkipsInfo1795288245243 } from './1795288245243-SystemLogsLevelIndexSkipsInfo.js';
import { LoginBackoffReplacesLockout1796551007323 } from './1796551007323-LoginBackoffReplacesLockout.js';
import { HashMetricsToken1796551610228 } from './1796551610228-HashMetricsToken.js';
import { CreateReleases1796581433958 } from './1796581433958-CreateReleases.js';
import { ScoringRulesFromSourceDeclarations1796600000000 } from './1796600000000-ScoringRulesFromSourceDeclarations.js';
import { CreateBackups1796610000000 } from './1796610000000-CreateBackups.js';
import { CreateGeneSetLibraries1796620000000 } from './1796620000000-CreateGeneSetLibraries.js';
import { CacheStableBodiesAndGenerations1796630000000 } from './1796630000000-CacheStableBodiesAndGenerations.js';
import { GeneHgncIdUpperIndex1796640000000 } from './1796640000000-GeneHgncIdUpperIndex.js';
import { CacheReadsWriteNothing1796650000000 } from './1796650000000-CacheReadsWriteNothing.js';
import { GeneScoresListColumns1796660000000 } from './1796660000000-GeneScoresListColumns.js';

export const migrations = [
  Baseline1763700000000,
  CreateAuthTables1795246180498,
  CreateCacheEntries1795246915748,
  CreateSystemLogs1795247302917,
  CreateGeneTables1795248508765,
  CreateGeneStaging1795250101650,
  CreateSourceCheckpointsAndUploads1795255405907,
  CreatePipelineRuns1795256379136,
  CreateAnnotationFailures1795256412804,
  SystemSettings1795260272697,
  AddUpstreamRateSlots1795260293743,
  SystemLogsLevelIndexSkipsInfo1795288245243,
  LoginBackoffReplacesLockout1796551007323,
  HashMetricsToken1796551610228,
  CreateReleases1796581433958,
  ScoringRulesFromSourceDeclarations1796600000000,
  CreateBackups1796610000000,
  CreateGeneSetLibraries1796620000000,
  CacheStableBodiesAndGenerations1796630000000,
  GeneHgncIdUpperIndex1796640000000,
  CacheReadsWriteNothing1796650000000,
  GeneScoresListColumns1796660000000,
];

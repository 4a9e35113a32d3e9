/**
 * All configuration variables, by group. To add one: declare it in its group's file (a
 * source's own variables go in sources/<source>.ts), map it in AppConfig if code reads it,
 * and run `npm run config:docs` to regenerate .env.example, the README table and the
 * docs/operations.md reference (CI fails when they are stale).
 */
import type { ValuesOf } from '../declare.js';
import { authVariables } from './auth.js';
import { backupVariables } from './backups.js';
import { cacheVariables } from './cache.js';
import { databaseVariables } from './database.js';
import { loggingVariables } from './logging.js';
import { mailVariables } from './mail.js';
import { networkVariables } from './network.js';
import { pipelineVariables } from './pipeline.js';
import { rateLimitVariables } from './rate-limits.js';
import { releaseVariables } from './releases.js';
import { serverVariables } from './server.js';
import { clingenVariables } from './sources/clingen.js';
import { clinvarVariables } from './sources/clinvar.js';
import { descartesVariables } from './sources/descartes.js';
import { ensemblVariables } from './sources/ensembl.js';
import { genccVariables } from './sources/gencc.js';
import { gnomadVariables } from './sources/gnomad.js';
import { goVariables } from './sources/go.js';
import { gtexVariables } from './sources/gtex.js';
import { hgncVariables } from './sources/hgnc.js';
import { hpoVariables } from './sources/hpo.js';
import { mgiVariables } from './sources/mgi.js';
import { panelappVariables } from './sources/panelapp.js';
import { pubtatorVariables } from './sources/pubtator.js';
import { reactomeVariables } from './sources/reactome.js';
import { sharedSourceVariables } from './sources/shared.js';
import { stringVariables } from './sources/string.js';
import { uniprotVariables } from './sources/uniprot.js';
import { uploadVariables } from './uploads.js';
import { upstreamVariables } from './upstream.js';

export { LOG_LEVELS, type LogDbRequests, type LogLevel } from './logging.js';
export { NODE_ENVS, type NodeEnv } from './server.js';

/**
 * Every group, in the order the docs show them and problems are reported in. A new group
 * file is listed here; its variables then reach loading, the typed environment and the docs.
 */
export const VARIABLE_GROUPS = [
  serverVariables,
  databaseVariables,
  loggingVariables,
  authVariables,
  rateLimitVariables,
  mailVariables,
  releaseVariables,
  networkVariables,
  pipelineVariables,
  cacheVariables,
  uploadVariables,
  backupVariables,
  upstreamVariables,
  sharedSourceVariables,
  clingenVariables,
  genccVariables,
  panelappVariables,
  hpoVariables,
  hgncVariables,
  pubtatorVariables,
  clinvarVariables,
  gnomadVariables,
  gtexVariables,
  uniprotVariables,
  ensemblVariables,
  stringVariables,
  mgiVariables,
  descartesVariables,
  goVariables,
  reactomeVariables,
] as const;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

type AllVariables = UnionToIntersection<(typeof VARIABLE_GROUPS)[number]['variables']>;

/** The parsed environment: one typed field per declared variable, optional ones `| undefined`. */
export type EnvironmentVariables = ValuesOf<AllVariables>;

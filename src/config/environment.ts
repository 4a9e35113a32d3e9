import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { parseTrustProxy } from './trust-proxy.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

const toNumber = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value.trim())) return value;
  return Number(value.trim());
};

const toInt = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value.trim())) return value;
  return Number.parseInt(value.trim(), 10);
};

/**
 * Every environment variable the service reads, with its default. The README and
 * `.env.example` document the same list; a test keeps the three in step.
 */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Comma-separated list of allowed browser origins; empty disables CORS. */
  @IsString()
  CORS_ORIGINS = '';

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 100kb or 1mb' })
  BODY_LIMIT = '1mb';

  /** JSON bodies: objects and arrays nested deeper than this get 400 before parsing. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  BODY_MAX_DEPTH = 32;

  /** JSON bodies: most keys in one object. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  BODY_MAX_OBJECT_KEYS = 1000;

  /** JSON bodies: most items in one array. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  BODY_MAX_ARRAY_ITEMS = 10000;

  /** JSON bodies: most keys and array items in the whole body. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  BODY_MAX_VALUES = 20000;

  /** Largest request line plus headers, in bytes; larger requests get 431. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1048576)
  MAX_HEADER_BYTES = 16384;

  /**
   * Which `X-Forwarded-For` hops to believe: `false`, a hop count (`1` for one proxy in
   * front), proxy addresses or CIDRs, or `true` (every hop: only behind a proxy that
   * overwrites the header, since clients can write it).
   */
  @ValidateBy({
    name: 'trustProxy',
    validator: {
      validate: (value: unknown) => parseTrustProxy(value) !== undefined,
      defaultMessage: () =>
        'TRUST_PROXY must be true, false, a hop count, or comma-separated proxy addresses/CIDRs',
    },
  })
  TRUST_PROXY = 'false';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS = 10000;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, {
    message: 'DATABASE_URL must be a postgres:// or postgresql:// URL',
  })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  EMBEDDED_PG_DATA_DIR = '.data/postgres';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  /** Waiting for a connection: opening one, or for a free one when the pool is full. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  DB_CONNECT_TIMEOUT_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  DB_STATEMENT_TIMEOUT_MS = 15000;

  /** A request's statement unanswered this long: 503 DATABASE_TIMEOUT, connection dropped. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  DB_REQUEST_QUERY_TIMEOUT_MS = 5000;

  /** Server-side lock wait limit (lock_timeout); 0 turns it off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  DB_LOCK_TIMEOUT_MS = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 30000;

  /** Idle time before TCP keepalive probes start on a pooled connection. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  DB_KEEPALIVE_IDLE_MS = 10000;

  @Transform(toBoolean)
  @IsBoolean()
  DB_MIGRATIONS_RUN = true;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Defaults to true in development, false otherwise. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  LOG_PRETTY?: boolean;

  /** HS256 signing key, at least 32 characters; required in production. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  @Matches(/^(?!.*(change|placeholder|secret-key|example)).*$/i, {
    message: 'JWT_SECRET looks like a placeholder; use a random value',
  })
  JWT_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  JWT_ACCESS_TTL_MINUTES = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_TTL_DAYS = 7;

  @Transform(toInt)
  @IsInt()
  @Min(8)
  @Max(128)
  PASSWORD_MIN_LENGTH = 10;

  /** How many of lower case, upper case, digits and symbols a password must mix. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(4)
  PASSWORD_MIN_CHARACTER_CLASSES = 3;

  /** Reject passwords found in a common-password list (also with l33t and appended digits). */
  @Transform(toBoolean)
  @IsBoolean()
  PASSWORD_REJECT_COMMON = true;

  /** Failed logins per account (known or not) before each attempt must wait. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  LOGIN_FREE_ATTEMPTS = 5;

  /** First wait of the per-account back-off; each further failure doubles it. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  LOGIN_BACKOFF_BASE_SECONDS = 1;

  /** Longest wait the per-account back-off imposes between two attempts. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  LOGIN_BACKOFF_MAX_SECONDS = 60;

  /** A failure older than this no longer counts towards an account's back-off. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  LOGIN_FAILURE_WINDOW_MINUTES = 15;

  @Matches(/^[a-zA-Z0-9_-]{3,50}$/, { message: 'ADMIN_USERNAME must be 3-50 of [a-zA-Z0-9_-]' })
  ADMIN_USERNAME = 'admin';

  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'ADMIN_EMAIL must be an e-mail address' })
  ADMIN_EMAIL = 'admin@kidney-genetics.local';

  /** Bootstrap admin password; unset generates one and prints it once on first start. */
  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  @Transform(toBoolean)
  @IsBoolean()
  ADMIN_FORCE_PASSWORD_RESET = false;

  /** Requests per minute per client and route, unless a route sets its own limit. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN_PER_MINUTE = 5;

  /** Login attempts per minute from one IP, whatever the account. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE = 30;

  /** Login attempts per minute for the whole instance: a ceiling on password-hashing CPU. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN_GLOBAL_PER_MINUTE = 600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_FORGOT_PASSWORD_PER_HOUR = 3;

  /** Reset mails per account per hour, whichever IPs ask (extra requests send nothing). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_FORGOT_PASSWORD_PER_ACCOUNT_PER_HOUR = 3;

  /** smtp://user:pass@host:port for password-reset mail; unset disables delivery. */
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM = 'Kidney Genetics DB <no-reply@kidney-genetics.local>';

  /** Base URL of the web app, used in password-reset links. */
  @IsString()
  PUBLIC_APP_URL = 'http://localhost:3000';

  /** Records at or above this level are stored in system_logs; `silent` stores none. */
  @IsIn(LOG_LEVELS)
  LOG_DB_LEVEL: LogLevel = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOG_DB_BATCH_SIZE = 200;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  LOG_DB_FLUSH_MS = 500;

  /** Records kept in memory while the database is slow or down; the oldest go first. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  LOG_DB_BUFFER_MAX = 10000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOG_RETENTION_DAYS = 30;

  /** Requests slower than this are logged as warnings. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SLOW_REQUEST_MS = 1000;

  /** Warn when the event loop's p99 delay over a 10 s window exceeds this. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  EVENT_LOOP_WARN_MS = 200;

  /** The commit the running build was made from, reported by GET /version (set at image build). */
  @IsOptional()
  @Matches(/^[0-9a-f]{7,40}$/, { message: 'GIT_COMMIT must be a git commit hash' })
  GIT_COMMIT?: string;

  /** Bearer token a Prometheus scraper presents at /metrics; unset = admins only. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** Per attempt, for every upstream request. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  UPSTREAM_TIMEOUT_MS = 30000;

  /** Attempts per upstream request (1 = no retry); 429 and 5xx and network errors retry. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  UPSTREAM_MAX_ATTEMPTS = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPSTREAM_BACKOFF_BASE_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPSTREAM_BACKOFF_MAX_MS = 30000;

  /** Requests per second per domain (matched by host suffix), e.g. `ncbi.nlm.nih.gov=3,default=5`. */
  @Matches(/^\s*[a-z0-9.-]+\s*=\s*\d+(\.\d+)?\s*(,\s*[a-z0-9.-]+\s*=\s*\d+(\.\d+)?\s*)*$/, {
    message: 'UPSTREAM_RATE_LIMITS must look like host=perSecond,default=perSecond',
  })
  UPSTREAM_RATE_LIMITS = 'ncbi.nlm.nih.gov=3,default=5';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPSTREAM_CONCURRENCY = 4;

  /** Consecutive failed attempts that open a domain's circuit. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPSTREAM_BREAKER_FAILURES = 5;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  UPSTREAM_BREAKER_OPEN_MS = 30000;

  /**
   * snapshot: every source reads the offline snapshot shipped with the app (served on
   * loopback); live: the real hosts. Unset: live when any source URL is configured.
   */
  @IsOptional()
  @IsIn(['snapshot', 'live'])
  UPSTREAM_MODE?: 'snapshot' | 'live';

  /** Ingest the snapshot once when the database holds no evidence (snapshot mode). */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  SNAPSHOT_INGEST_ON_START?: boolean;

  @Matches(/^https?:\/\/.+/, { message: 'CLINGEN_URL must be an http(s) URL' })
  CLINGEN_URL = 'https://search.clinicalgenome.org/kb/gene-validity/download';

  /** Kidney gene curation expert panels (comma-separated, without the "Gene Curation Expert Panel" suffix). */
  @IsString()
  @MinLength(1)
  CLINGEN_EXPERT_PANELS =
    'Kidney Cystic and Ciliopathy Disorders,Glomerulopathy,Tubulopathy,Complement-Mediated Kidney Diseases,Congenital Anomalies of the Kidney and Urinary Tract';

  /** Lower-case keywords for ClinGen disease labels (comma-separated). */
  @IsString()
  @MinLength(1)
  CLINGEN_KEYWORDS =
    'kidney,renal,nephro,glomerul,tubul,polycystic,alport,nephritis,cystic,ciliopathy,complement,cakut';

  @Matches(/^https?:\/\/.+/, { message: 'PANELAPP_UK_URL must be an http(s) URL' })
  PANELAPP_UK_URL = 'https://panelapp.genomicsengland.co.uk/api/v1';

  @Matches(/^https?:\/\/.+/, { message: 'PANELAPP_AU_URL must be an http(s) URL' })
  PANELAPP_AU_URL = 'https://panelapp-aus.org/api/v1';

  /** Gene confidence levels kept from PanelApp panels: 3 and 4 are Green, 2 Amber, 0-1 Red. */
  @Matches(/^[0-4](,[0-4])*$/, {
    message: 'PANELAPP_CONFIDENCE_LEVELS must be a comma list of 0-4',
  })
  PANELAPP_CONFIDENCE_LEVELS = '2,3,4';

  /** HPO ontology (obographs JSON). */
  @Matches(/^https?:\/\/.+/, { message: 'HPO_ONTOLOGY_URL must be an http(s) URL' })
  HPO_ONTOLOGY_URL = 'http://purl.obolibrary.org/obo/hp.json';

  @Matches(/^https?:\/\/.+/, { message: 'HPO_GENES_TO_PHENOTYPE_URL must be an http(s) URL' })
  HPO_GENES_TO_PHENOTYPE_URL = 'http://purl.obolibrary.org/obo/hp/hpoa/genes_to_phenotype.txt';

  /** Genes annotated to this term or any descendant count as HPO kidney evidence. */
  @Matches(/^HP:\d{7}$/, { message: 'HPO_ROOT_TERM must look like HP:0010935' })
  HPO_ROOT_TERM = 'HP:0010935';

  /** Kidney phenotypes of the HPO phenotype annotation: these terms and everything below them. */
  @Matches(/^HP:\d{7}(,HP:\d{7})*$/, {
    message: 'HPO_KIDNEY_TERMS must be a comma list of HPO ids',
  })
  HPO_KIDNEY_TERMS = 'HP:0010935,HP:0000077,HP:0012210,HP:0000079';

  /**
   * Clinical groups as `name=HP:…,HP:…;name=…` (weight 1 each); empty = the built-in
   * complement, cakut, glomerulopathy, cyst_cilio, tubulopathy and nephrolithiasis groups.
   */
  @Matches(/^([a-z][a-z0-9_]*=HP:\d{7}(,HP:\d{7})*(;[a-z][a-z0-9_]*=HP:\d{7}(,HP:\d{7})*)*)?$/, {
    message: 'HPO_CLINICAL_GROUPS must look like name=HP:0000100,HP:0000097;name=HP:…',
  })
  HPO_CLINICAL_GROUPS = '';

  /** A gene is syndromic when its extra-renal category shares add up to at least this. */
  @Transform(toNumber)
  @Min(0)
  @Max(4)
  HPO_SYNDROMIC_THRESHOLD = 0.3;

  /** HGNC REST API, used to resolve symbols no local gene answers to. */
  @Matches(/^https?:\/\/.+/, { message: 'HGNC_URL must be an http(s) URL' })
  HGNC_URL = 'https://rest.genenames.org';

  /** Look unresolved symbols up at HGNC before staging them. */
  @Transform(toBoolean)
  @IsBoolean()
  HGNC_NORMALIZE = true;

  /** Approved symbols per HGNC search request (joined with +OR+). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  HGNC_BATCH_SIZE = 150;

  @Matches(/^https?:\/\/.+/, { message: 'GENCC_URL must be an http(s) URL' })
  GENCC_URL = 'https://search.thegencc.org/download/action/submissions-export-tsv';

  /** PubTator3 API base (search at `/search/`). */
  @Matches(/^https?:\/\/.+/, { message: 'PUBTATOR_URL must be an http(s) URL' })
  PUBTATOR_URL = 'https://www.ncbi.nlm.nih.gov/research/pubtator3-api';

  /** The PubTator3 search whose hits count as kidney literature. */
  @IsString()
  @MinLength(3)
  PUBTATOR_QUERY =
    '("kidney disease" OR "renal disease") AND (gene OR syndrome) AND (variant OR mutation)';

  /**
   * smart: skip articles already stored and stop after PUBTATOR_SMART_STOP_PAGES pages in
   * a row brought nothing new; full: read every page.
   */
  @IsIn(['smart', 'full'])
  PUBTATOR_MODE: 'smart' | 'full' = 'smart';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  PUBTATOR_SMART_STOP_PAGES = 3;

  /** Upper bound on search pages per run (10 articles each); 0 = every page. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  PUBTATOR_MAX_PAGES = 0;

  /** Pages stored per batch; the checkpoint advances after each stored batch. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  PUBTATOR_PAGES_PER_BATCH = 20;

  /** HGNC complete set (JSON, `response.docs[]`), the bulk source of the `hgnc` annotation. */
  @Matches(/^https?:\/\/.+/, { message: 'HGNC_COMPLETE_SET_URL must be an http(s) URL' })
  HGNC_COMPLETE_SET_URL =
    'https://storage.googleapis.com/public-download-files/hgnc/json/json/hgnc_complete_set.json';

  /** NCBI E-utilities base (esearch/esummary/einfo for ClinVar), at the shared NCBI rate limit. */
  @Matches(/^https?:\/\/.+/, { message: 'CLINVAR_EUTILS_URL must be an http(s) URL' })
  CLINVAR_EUTILS_URL = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';

  /** ClinVar variation ids per esummary request (500 works; 750 fails on URL length). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  CLINVAR_BATCH_SIZE = 500;

  /** gnomAD GraphQL endpoint (POST). */
  @Matches(/^https?:\/\/.+/, { message: 'GNOMAD_URL must be an http(s) URL' })
  GNOMAD_URL = 'https://gnomad.broadinstitute.org/api';

  /** Genes per gnomAD GraphQL request (one aliased field each); failed batches retry per gene. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  GNOMAD_BATCH_SIZE = 20;

  /** GTEx Portal API v2 base. */
  @Matches(/^https?:\/\/.+/, { message: 'GTEX_URL must be an http(s) URL' })
  GTEX_URL = 'https://gtexportal.org/api/v2';

  /** GTEx dataset whose median expression is stored (also the stored version). */
  @Matches(/^gtex_v\d+$/, { message: 'GTEX_DATASET must look like gtex_v8' })
  GTEX_DATASET = 'gtex_v8';

  @Matches(/^https?:\/\/.+/, { message: 'UNIPROT_URL must be an http(s) URL' })
  UNIPROT_URL = 'https://rest.uniprot.org';

  @Matches(/^https?:\/\/.+/, { message: 'ENSEMBL_URL must be an http(s) URL' })
  ENSEMBL_URL = 'https://rest.ensembl.org';

  /** STRING bulk downloads base (`<base>/protein.info.v<version>/9606.protein.info…`). */
  @Matches(/^https?:\/\/.+/, { message: 'STRING_URL must be an http(s) URL' })
  STRING_URL = 'https://stringdb-downloads.org/download';

  /** STRING release whose files are read; also the stored version. */
  @Matches(/^\d+\.\d+$/, { message: 'STRING_VERSION must look like 12.0' })
  STRING_VERSION = '12.0';

  /** Lowest STRING combined_score (0–1000) a physical link needs to count. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  STRING_MIN_SCORE = 400;
  /** MP ontology (obographs JSON); its terms below MGI_MP_ROOT_TERM are the kidney phenotypes. */
  @Matches(/^https?:\/\/.+/, { message: 'MGI_MP_ONTOLOGY_URL must be an http(s) URL' })
  MGI_MP_ONTOLOGY_URL = 'http://purl.obolibrary.org/obo/mp.json';

  /** Mouse phenotypes annotated to this MP term or a descendant count as kidney phenotypes. */
  @Matches(/^MP:\d{7}$/, { message: 'MGI_MP_ROOT_TERM must look like MP:0005367' })
  MGI_MP_ROOT_TERM = 'MP:0005367';

  /** MouseMine (InterMine) web-service base for the `mpo_mgi` template queries. */
  @Matches(/^https?:\/\/.+/, { message: 'MOUSEMINE_URL must be an http(s) URL' })
  MOUSEMINE_URL = 'https://www.mousemine.org/mousemine/service';

  /** Human symbols per MouseMine HGene_MPhenotype request; a failed batch retries per gene. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  MOUSEMINE_BATCH_SIZE = 100;

  /** Genes per annotation chunk: fetched together, stored in one transaction. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(5000)
  ANNOTATION_CHUNK_SIZE = 100;

  /** Days between scheduled updates per annotation source, e.g. `hgnc=7,gnomad=90`; unlisted 30. */
  @Matches(/^(\s*[a-z][a-z0-9_]*\s*=\s*\d+\s*)?(,\s*[a-z][a-z0-9_]*\s*=\s*\d+\s*)*$/, {
    message: 'ANNOTATION_UPDATE_DAYS must look like source=days,source=days',
  })
  ANNOTATION_UPDATE_DAYS =
    'hgnc=7,clinvar=30,gnomad=90,gtex=90,uniprot=30,ensembl=30,hpo_phenotypes=30,string_ppi=90,mpo_mgi=30';

  /** Lower-case kidney keywords for GenCC and PanelApp (comma-separated). */
  @IsString()
  @MinLength(1)
  KIDNEY_KEYWORDS =
    'kidney,renal,nephro,glomerul,tubulopathy,tubulointerstitial,polycystic,alport,nephritis,cystic kidney,ciliopathy,complement,cakut,focal segmental,steroid resistant,nephrotic,proteinuria,hematuria';

  /**
   * How long a worker's hold on a pipeline run lasts without a heartbeat; after a crash
   * another instance (or the restarted one) resumes the run once it has lapsed.
   */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(600)
  PIPELINE_LEASE_SECONDS = 30;

  /** Times a run is taken up again after its worker died before it is marked failed. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  PIPELINE_MAX_ATTEMPTS = 5;

  /**
   * Cron schedules per source, e.g. `PubTator=0 3 * * 1;ClinGen=0 4 * * *` (UTC); empty
   * = no scheduled runs. Each fires once across all instances.
   */
  @Matches(
    /^(\s*[A-Za-z][A-Za-z0-9_]*\s*=\s*[^=;]+)?(;\s*[A-Za-z][A-Za-z0-9_]*\s*=\s*[^=;]+)*;?\s*$/,
    {
      message: 'PIPELINE_SCHEDULES must look like Source=cron;Source=cron',
    },
  )
  PIPELINE_SCHEDULES = '';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  CACHE_DEFAULT_TTL_SECONDS = 3600;

  /** Per-namespace TTL overrides, e.g. `hgnc=86400,pubtator=604800`. */
  @Matches(/^(\s*[a-z][a-z0-9_.-]*\s*=\s*\d+\s*)?(,\s*[a-z][a-z0-9_.-]*\s*=\s*\d+\s*)*$/, {
    message: 'CACHE_NAMESPACE_TTLS must look like name=seconds,name=seconds',
  })
  CACHE_NAMESPACE_TTLS = '';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  CACHE_L1_MAX_ENTRIES = 10000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  CACHE_L1_MAX_MB = 64;

  /** How long after expiry an entry may still be served when its loader fails. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CACHE_STALE_GRACE_SECONDS = 86400;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  CACHE_CLEANUP_INTERVAL_SECONDS = 600;

  /** Largest upload file (multipart file part). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024)
  UPLOAD_MAX_MB = 50;

  /** Largest total an uploaded XLSX workbook may inflate to. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(4096)
  UPLOAD_MAX_DECOMPRESSED_MB = 32;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPLOAD_MAX_ROWS = 100000;

  @Transform(toInt)
  @IsInt()
  @Min(16)
  UPLOAD_MAX_CELL_CHARS = 10000;

  /** Distinct genes (after repeated symbols are merged) one upload may name. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPLOAD_MAX_GENES = 25000;

  /** How long the parsing worker may take for one file before it is stopped. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  UPLOAD_PARSE_TIMEOUT_MS = 30000;
}

/** Variables without a default are not own keys of a fresh instance, so list them too. */
export const ENVIRONMENT_VARIABLE_NAMES: readonly string[] = [
  ...new Set([
    ...Object.keys(new EnvironmentVariables()),
    'DATABASE_URL',
    'LOG_PRETTY',
    'JWT_SECRET',
    'ADMIN_PASSWORD',
    'SMTP_URL',
    'UPSTREAM_MODE',
    'SNAPSHOT_INGEST_ON_START',
    'METRICS_TOKEN',
    'GIT_COMMIT',
  ]),
];

/** Variables that point a source at a host; setting any of them implies live mode. */
export const SOURCE_URL_VARIABLES = [
  'CLINGEN_URL',
  'GENCC_URL',
  'PANELAPP_UK_URL',
  'PANELAPP_AU_URL',
  'HPO_ONTOLOGY_URL',
  'HPO_GENES_TO_PHENOTYPE_URL',
  'HGNC_URL',
  'PUBTATOR_URL',
  'HGNC_COMPLETE_SET_URL',
  'CLINVAR_EUTILS_URL',
  'GNOMAD_URL',
  'GTEX_URL',
  'UNIPROT_URL',
  'ENSEMBL_URL',
  'STRING_URL',
  'MGI_MP_ONTOLOGY_URL',
  'MOUSEMINE_URL',
] as const;

import { isAbsolute, resolve } from 'node:path';

import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';
import type { EnvironmentVariables, LogDbRequests, LogLevel, NodeEnv } from './variables/index.js';

function parseTtls(spec: string): Record<string, number> {
  const ttls: Record<string, number> = {};
  for (const part of spec.split(',')) {
    const [name, seconds] = part.split('=').map((x) => x.trim());
    if (name && seconds) {
      ttls[name] = Number.parseInt(seconds, 10);
    }
  }
  return ttls;
}

function parseRates(spec: string): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const part of spec.split(',')) {
    const [host, rate] = part.split('=').map((x) => x.trim());
    if (host && rate) {
      rates[host] = Number(rate);
    }
  }
  return rates;
}

/** Typed, validated configuration; the only shape the rest of the app sees. */
export class AppConfig {
  readonly env: NodeEnv;
  readonly http: {
    readonly port: number;
    readonly host: string;
    /** Where the web frontend is reached (no trailing slash): the sitemap's URLs start with it. */
    readonly publicBaseUrl: string;
    readonly corsOrigins: readonly string[];
    readonly bodyLimit: string;
    /** Structure limits of JSON bodies, checked before they are parsed. */
    readonly jsonLimits: {
      readonly maxDepth: number;
      readonly maxObjectKeys: number;
      readonly maxArrayItems: number;
      readonly maxValues: number;
    };
    readonly maxHeaderBytes: number;
    readonly trustProxy: TrustProxy;
    readonly shutdownTimeoutMs: number;
  };
  readonly database: {
    /** Undefined means: start the embedded PostgreSQL. */
    readonly url?: string;
    readonly embedded: { readonly dataDir: string; readonly port: number };
    readonly poolSize: number;
    readonly connectTimeoutMs: number;
    readonly statementTimeoutMs: number;
    readonly requestQueryTimeoutMs: number;
    readonly lockTimeoutMs: number;
    readonly idleInTransactionTimeoutMs: number;
    readonly keepAliveIdleMs: number;
    readonly migrationsRun: boolean;
  };
  readonly log: {
    readonly level: LogLevel;
    readonly pretty: boolean;
    readonly dbLevel: LogLevel;
    /** Which request completion lines are stored (other records follow dbLevel alone). */
    readonly dbRequests: LogDbRequests;
    readonly dbBatchSize: number;
    readonly dbFlushMs: number;
    readonly dbBufferMax: number;
    readonly retentionDays: number;
    readonly slowRequestMs: number;
    readonly eventLoopWarnMs: number;
  };
  readonly auth: {
    /** Undefined outside production means: generate one per process (logged as a warning). */
    readonly jwtSecret?: string;
    readonly accessTtlSeconds: number;
    readonly refreshTtlSeconds: number;
    /** How long a rotated refresh token still answers with its successor instead of reuse. */
    readonly refreshReuseGraceSeconds: number;
    readonly passwordMinLength: number;
    readonly passwordMinClasses: number;
    readonly rejectCommonPasswords: boolean;
    readonly loginFreeAttempts: number;
    readonly loginBackoffBaseSeconds: number;
    readonly loginBackoffMaxSeconds: number;
    readonly loginFailureWindowSeconds: number;
    readonly admin: {
      readonly username: string;
      readonly email: string;
      readonly password?: string;
      readonly forcePasswordReset: boolean;
    };
  };
  readonly rateLimits: {
    readonly perMinute: number;
    readonly loginPerMinute: number;
    readonly loginPerIpPerMinute: number;
    readonly loginGlobalPerMinute: number;
    readonly forgotPasswordPerHour: number;
    readonly forgotPasswordPerAccountPerHour: number;
  };
  readonly mail: { readonly smtpUrl?: string; readonly from: string; readonly appUrl: string };
  readonly releases: {
    readonly citationAuthor: string;
    /** Deposits on Zenodo only with a token. */
    readonly zenodo?: {
      readonly token: string;
      readonly url: string;
      readonly community?: string;
      readonly timeoutMs: number;
    };
  };
  readonly network: {
    readonly enrichmentMinOverlap: number;
    readonly enrichmentMaxResults: number;
    readonly clusterTimeoutMs: number;
  };
  readonly upstream: {
    readonly timeoutMs: number;
    readonly maxAttempts: number;
    readonly backoffBaseMs: number;
    readonly backoffMaxMs: number;
    /** Host suffix → requests per second; `default` covers the rest. */
    readonly rateLimits: Readonly<Record<string, number>>;
    readonly concurrency: number;
    readonly breakerFailures: number;
    readonly breakerOpenMs: number;
  };
  readonly sources: {
    readonly mode: 'snapshot' | 'live';
    readonly ingestSnapshotOnStart: boolean;
    readonly clingen: {
      readonly url: string;
      readonly expertPanels: string[];
      readonly keywords: string[];
    };
    readonly gencc: { readonly url: string };
    readonly hgnc: {
      readonly url: string;
      readonly normalize: boolean;
      readonly batchSize: number;
    };
    readonly hpo: {
      readonly ontologyUrl: string;
      readonly genesToPhenotypeUrl: string;
      readonly rootTerm: string;
      readonly classification: {
        readonly kidneyRoots: readonly string[];
        /** `null`: the source's built-in groups. */
        readonly clinicalGroups:
          | readonly {
              readonly name: string;
              readonly signature: string[];
              readonly weight: number;
            }[]
          | null;
        readonly syndromicThreshold: number;
      };
    };
    readonly panelapp: {
      readonly regions: readonly { readonly region: 'UK' | 'Australia'; readonly url: string }[];
      readonly confidenceLevels: readonly string[];
    };
    readonly pubtator: {
      readonly url: string;
      readonly query: string;
      readonly mode: 'smart' | 'full';
      readonly smartStopPages: number;
      readonly maxPages: number;
      readonly pagesPerBatch: number;
    };
    readonly kidneyKeywords: string[];
    readonly annotations: {
      readonly hgncCompleteSetUrl: string;
      readonly clinvar: { readonly url: string; readonly batchSize: number };
      readonly gnomad: { readonly url: string; readonly batchSize: number };
      readonly gtex: { readonly url: string; readonly dataset: string };
      readonly uniprotUrl: string;
      readonly ensemblUrl: string;
      readonly string: {
        readonly url: string;
        readonly version: string;
        readonly minScore: number;
      };
      readonly mgi: {
        readonly ontologyUrl: string;
        readonly rootTerm: string;
        readonly mousemineUrl: string;
        readonly batchSize: number;
      };
      readonly descartes: { readonly tpmUrl: string; readonly percentageUrl: string };
      readonly go: { readonly annotationsUrl: string; readonly ontologyUrl: string };
      readonly reactome: { readonly url: string; readonly version: string };
      readonly chunkSize: number;
      /** Source → days between scheduled updates; `default` covers the rest. */
      readonly updateDays: Readonly<Record<string, number>>;
    };
  };
  readonly pipeline: {
    readonly leaseSeconds: number;
    readonly maxAttempts: number;
    /** Source → cron expression. */
    readonly schedules: Readonly<Record<string, string>>;
    /** Whether the original frontend's anonymous, redacted progress socket is served. */
    readonly legacyProgressSocket: boolean;
  };
  readonly backups: {
    /** Absolute folder of the backup files. */
    readonly dir: string;
    readonly retentionDays: number;
    /** Cron of scheduled backups; undefined: none. */
    readonly schedule?: string;
    readonly method: 'auto' | 'pg_dump' | 'logical';
    readonly pgDumpPath: string;
    readonly pgRestorePath: string;
    readonly timeoutMs: number;
  };
  /** The commit of this build, when the build recorded it. */
  readonly commit?: string;
  readonly metrics: {
    /** Scraper bearer token; the `metrics.token` setting may replace it at runtime. */
    readonly token?: string;
  };
  readonly cache: {
    readonly defaultTtlSeconds: number;
    /** Overrides from CACHE_NAMESPACE_TTLS; the cache module holds the built-in defaults. */
    readonly namespaceTtls: Readonly<Record<string, number>>;
    readonly l1MaxEntries: number;
    readonly l1MaxBytes: number;
    readonly staleGraceSeconds: number;
    readonly cleanupIntervalSeconds: number;
    /** Genes whose detail pages the genes warmer preloads. */
    readonly warmTopGenes: number;
  };
  readonly uploads: {
    readonly maxFileBytes: number;
    readonly maxDecompressedBytes: number;
    readonly maxRows: number;
    readonly maxCellChars: number;
    readonly maxGenes: number;
    readonly parseTimeoutMs: number;
  };

  constructor(env: EnvironmentVariables, cwd: string, sourceUrlsGiven = false) {
    this.env = env.NODE_ENV;
    this.http = {
      port: env.PORT,
      host: env.HOST,
      publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      corsOrigins: env.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
      bodyLimit: env.BODY_LIMIT.toLowerCase(),
      jsonLimits: {
        maxDepth: env.BODY_MAX_DEPTH,
        maxObjectKeys: env.BODY_MAX_OBJECT_KEYS,
        maxArrayItems: env.BODY_MAX_ARRAY_ITEMS,
        maxValues: env.BODY_MAX_VALUES,
      },
      maxHeaderBytes: env.MAX_HEADER_BYTES,
      trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    };
    this.database = {
      url: env.DATABASE_URL,
      embedded: {
        dataDir: isAbsolute(env.EMBEDDED_PG_DATA_DIR)
          ? env.EMBEDDED_PG_DATA_DIR
          : resolve(cwd, env.EMBEDDED_PG_DATA_DIR),
        port: env.EMBEDDED_PG_PORT,
      },
      poolSize: env.DB_POOL_SIZE,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      requestQueryTimeoutMs: env.DB_REQUEST_QUERY_TIMEOUT_MS,
      lockTimeoutMs: env.DB_LOCK_TIMEOUT_MS,
      idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      keepAliveIdleMs: env.DB_KEEPALIVE_IDLE_MS,
      migrationsRun: env.DB_MIGRATIONS_RUN,
    };
    this.log = {
      level: env.LOG_LEVEL,
      pretty: env.LOG_PRETTY ?? env.NODE_ENV === 'development',
      dbLevel: env.LOG_DB_LEVEL,
      dbRequests: env.LOG_DB_REQUESTS,
      dbBatchSize: env.LOG_DB_BATCH_SIZE,
      dbFlushMs: env.LOG_DB_FLUSH_MS,
      dbBufferMax: env.LOG_DB_BUFFER_MAX,
      retentionDays: env.LOG_RETENTION_DAYS,
      slowRequestMs: env.SLOW_REQUEST_MS,
      eventLoopWarnMs: env.EVENT_LOOP_WARN_MS,
    };
    this.auth = {
      jwtSecret: env.JWT_SECRET,
      accessTtlSeconds: env.JWT_ACCESS_TTL_MINUTES * 60,
      refreshTtlSeconds: env.REFRESH_TOKEN_TTL_DAYS * 86_400,
      refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
      passwordMinLength: env.PASSWORD_MIN_LENGTH,
      passwordMinClasses: env.PASSWORD_MIN_CHARACTER_CLASSES,
      rejectCommonPasswords: env.PASSWORD_REJECT_COMMON,
      loginFreeAttempts: env.LOGIN_FREE_ATTEMPTS,
      loginBackoffBaseSeconds: env.LOGIN_BACKOFF_BASE_SECONDS,
      loginBackoffMaxSeconds: env.LOGIN_BACKOFF_MAX_SECONDS,
      loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW_MINUTES * 60,
      admin: {
        username: env.ADMIN_USERNAME,
        email: env.ADMIN_EMAIL.toLowerCase(),
        password: env.ADMIN_PASSWORD,
        forcePasswordReset: env.ADMIN_FORCE_PASSWORD_RESET,
      },
    };
    this.rateLimits = {
      perMinute: env.RATE_LIMIT_PER_MINUTE,
      loginPerMinute: env.RATE_LIMIT_LOGIN_PER_MINUTE,
      loginPerIpPerMinute: env.RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE,
      loginGlobalPerMinute: env.RATE_LIMIT_LOGIN_GLOBAL_PER_MINUTE,
      forgotPasswordPerHour: env.RATE_LIMIT_FORGOT_PASSWORD_PER_HOUR,
      forgotPasswordPerAccountPerHour: env.RATE_LIMIT_FORGOT_PASSWORD_PER_ACCOUNT_PER_HOUR,
    };
    this.mail = { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, appUrl: env.PUBLIC_APP_URL };
    this.releases = {
      citationAuthor: env.RELEASE_CITATION_AUTHOR,
      zenodo: env.ZENODO_API_TOKEN
        ? {
            token: env.ZENODO_API_TOKEN,
            url: env.ZENODO_URL.replace(/\/+$/, ''),
            community: env.ZENODO_COMMUNITY,
            timeoutMs: env.ZENODO_TIMEOUT_MS,
          }
        : undefined,
    };
    this.network = {
      enrichmentMinOverlap: env.NETWORK_ENRICHMENT_MIN_OVERLAP,
      enrichmentMaxResults: env.NETWORK_ENRICHMENT_MAX_RESULTS,
      clusterTimeoutMs: env.NETWORK_CLUSTER_TIMEOUT_MS,
    };
    const mode = env.UPSTREAM_MODE ?? (sourceUrlsGiven ? 'live' : 'snapshot');
    const snapshot = mode === 'snapshot';
    this.upstream = {
      timeoutMs: env.UPSTREAM_TIMEOUT_MS,
      maxAttempts: env.UPSTREAM_MAX_ATTEMPTS,
      backoffBaseMs: env.UPSTREAM_BACKOFF_BASE_MS,
      backoffMaxMs: env.UPSTREAM_BACKOFF_MAX_MS,
      rateLimits: {
        default: 5,
        // The offline snapshot is served on loopback: real upstream limits mean nothing
        // there, and annotating every snapshot gene at 5/s would take minutes.
        ...(snapshot ? { '127.0.0.1': 200 } : {}),
        ...parseRates(env.UPSTREAM_RATE_LIMITS),
      },
      concurrency: env.UPSTREAM_CONCURRENCY,
      breakerFailures: env.UPSTREAM_BREAKER_FAILURES,
      breakerOpenMs: env.UPSTREAM_BREAKER_OPEN_MS,
    };
    const list = (v: string) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    this.sources = {
      mode,
      ingestSnapshotOnStart:
        mode === 'snapshot' && (env.SNAPSHOT_INGEST_ON_START ?? env.NODE_ENV !== 'test'),
      clingen: {
        url: env.CLINGEN_URL,
        expertPanels: list(env.CLINGEN_EXPERT_PANELS),
        keywords: list(env.CLINGEN_KEYWORDS).map((k) => k.toLowerCase()),
      },
      gencc: { url: env.GENCC_URL },
      hgnc: { url: env.HGNC_URL, normalize: env.HGNC_NORMALIZE, batchSize: env.HGNC_BATCH_SIZE },
      hpo: {
        ontologyUrl: env.HPO_ONTOLOGY_URL,
        genesToPhenotypeUrl: env.HPO_GENES_TO_PHENOTYPE_URL,
        rootTerm: env.HPO_ROOT_TERM,
        classification: {
          kidneyRoots: list(env.HPO_KIDNEY_TERMS),
          clinicalGroups: env.HPO_CLINICAL_GROUPS
            ? env.HPO_CLINICAL_GROUPS.split(';').map((part) => {
                const [name, terms] = part.split('=');
                return { name, signature: terms.split(','), weight: 1 };
              })
            : null,
          syndromicThreshold: env.HPO_SYNDROMIC_THRESHOLD,
        },
      },
      panelapp: {
        regions: [
          { region: 'UK', url: env.PANELAPP_UK_URL.replace(/\/$/, '') },
          { region: 'Australia', url: env.PANELAPP_AU_URL.replace(/\/$/, '') },
        ],
        confidenceLevels: list(env.PANELAPP_CONFIDENCE_LEVELS),
      },
      pubtator: {
        url: env.PUBTATOR_URL.replace(/\/$/, ''),
        query: env.PUBTATOR_QUERY,
        mode: env.PUBTATOR_MODE,
        smartStopPages: env.PUBTATOR_SMART_STOP_PAGES,
        maxPages: env.PUBTATOR_MAX_PAGES,
        pagesPerBatch: env.PUBTATOR_PAGES_PER_BATCH,
      },
      kidneyKeywords: list(env.KIDNEY_KEYWORDS).map((k) => k.toLowerCase()),
      annotations: {
        hgncCompleteSetUrl: env.HGNC_COMPLETE_SET_URL,
        clinvar: {
          url: env.CLINVAR_EUTILS_URL.replace(/\/$/, ''),
          batchSize: env.CLINVAR_BATCH_SIZE,
        },
        gnomad: { url: env.GNOMAD_URL, batchSize: env.GNOMAD_BATCH_SIZE },
        gtex: { url: env.GTEX_URL.replace(/\/$/, ''), dataset: env.GTEX_DATASET },
        uniprotUrl: env.UNIPROT_URL.replace(/\/$/, ''),
        ensemblUrl: env.ENSEMBL_URL.replace(/\/$/, ''),
        string: {
          url: env.STRING_URL.replace(/\/$/, ''),
          version: env.STRING_VERSION,
          minScore: env.STRING_MIN_SCORE,
        },
        mgi: {
          ontologyUrl: env.MGI_MP_ONTOLOGY_URL,
          rootTerm: env.MGI_MP_ROOT_TERM,
          mousemineUrl: env.MOUSEMINE_URL.replace(/\/$/, ''),
          batchSize: env.MOUSEMINE_BATCH_SIZE,
        },
        descartes: {
          tpmUrl: env.DESCARTES_TPM_URL,
          percentageUrl: env.DESCARTES_PERCENTAGE_URL,
        },
        go: { annotationsUrl: env.GO_ANNOTATIONS_URL, ontologyUrl: env.GO_ONTOLOGY_URL },
        reactome: { url: env.REACTOME_URL, version: env.REACTOME_VERSION },
        chunkSize: env.ANNOTATION_CHUNK_SIZE,
        updateDays: { default: 30, ...parseTtls(env.ANNOTATION_UPDATE_DAYS) },
      },
    };
    this.pipeline = {
      leaseSeconds: env.PIPELINE_LEASE_SECONDS,
      maxAttempts: env.PIPELINE_MAX_ATTEMPTS,
      schedules: Object.fromEntries(
        env.PIPELINE_SCHEDULES.split(';')
          .map((entry) => entry.split('=').map((part) => part.trim()))
          .filter(([source, cron]) => source && cron)
          .map(([source, cron]) => [source, cron.replace(/\s+/g, ' ')]),
      ),
      legacyProgressSocket: env.LEGACY_PROGRESS_WS,
    };
    this.backups = {
      dir: isAbsolute(env.BACKUP_DIR) ? env.BACKUP_DIR : resolve(cwd, env.BACKUP_DIR),
      retentionDays: env.BACKUP_RETENTION_DAYS,
      schedule: env.BACKUP_SCHEDULE.trim().replace(/\s+/g, ' ') || undefined,
      method: env.BACKUP_METHOD,
      pgDumpPath: env.PG_DUMP_PATH,
      pgRestorePath: env.PG_RESTORE_PATH,
      timeoutMs: env.BACKUP_TIMEOUT_MINUTES * 60_000,
    };
    this.commit = env.GIT_COMMIT;
    this.metrics = { token: env.METRICS_TOKEN };
    this.cache = {
      defaultTtlSeconds: env.CACHE_DEFAULT_TTL_SECONDS,
      namespaceTtls: parseTtls(env.CACHE_NAMESPACE_TTLS),
      l1MaxEntries: env.CACHE_L1_MAX_ENTRIES,
      l1MaxBytes: env.CACHE_L1_MAX_MB * 1024 * 1024,
      staleGraceSeconds: env.CACHE_STALE_GRACE_SECONDS,
      cleanupIntervalSeconds: env.CACHE_CLEANUP_INTERVAL_SECONDS,
      warmTopGenes: env.CACHE_WARM_TOP_GENES,
    };
    this.uploads = {
      maxFileBytes: env.UPLOAD_MAX_MB * 1024 * 1024,
      maxDecompressedBytes: env.UPLOAD_MAX_DECOMPRESSED_MB * 1024 * 1024,
      maxRows: env.UPLOAD_MAX_ROWS,
      maxCellChars: env.UPLOAD_MAX_CELL_CHARS,
      maxGenes: env.UPLOAD_MAX_GENES,
      parseTimeoutMs: env.UPLOAD_PARSE_TIMEOUT_MS,
    };
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }
}

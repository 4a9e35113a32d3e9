import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { ConflictError, DomainError } from '../../common/errors/index.js';
import { runWithContext } from '../../common/request-context.js';
import { AppConfig } from '../../config/index.js';
import { withTryAdvisoryLock } from '../../database/advisory-lock.js';
import {
  EvidenceIngestService,
  type IngestResult,
} from '../../genes/staging/evidence-ingest.service.js';
import { SourceProgressBus, type SourceProgress } from '../upstream/progress.bus.js';
import { UpstreamHttp } from '../upstream/upstream-http.service.js';
import { parseClinGenCsv } from './clingen.parser.js';
import type { ParseResult, RowFailure } from './evidence-record.js';
import { parseGenccDelimited } from './gencc.parser.js';
import { loadPanelApp } from './panelapp.source.js';
import { descendantsOf, parseGenesToPhenotype } from './hpo.parser.js';
import { CacheService } from '../../cache/cache.service.js';
import { HgncNormalizer, type NormalizationReport } from '../normalization/hgnc-normalizer.js';
import { SnapshotServer } from '../snapshot/snapshot.server.js';

interface SourceDefinition {
  namespace: string;
  /** Downloads and parses the source; throws on unreadable payloads. */
  load(http: UpstreamHttp, forceRefresh: boolean): Promise<ParseResult>;
}

export interface SourceRunResult extends IngestResult {
  run_id: string;
  source: string;
  status: 'completed' | 'failed';
  rows: number;
  genes: number;
  failed: number;
  failures: RowFailure[];
  /** How symbols without an HGNC id fared at HGNC before storing. */
  normalization: NormalizationReport | null;
  error: string | null;
  duration_ms: number;
}

class UnknownSourceError extends DomainError {
  readonly code = 'SOURCE_NOT_FOUND';
  readonly status = HttpStatus.NOT_FOUND;
}

/**
 * Runs an evidence source end to end: download through the shared upstream client,
 * parse (bad rows are recorded with their reason), store through the genes module, and
 * publish progress. A run that yields no genes fails.
 */
@Injectable()
export class EvidenceSourcesService {
  private readonly logger = new Logger(EvidenceSourcesService.name);
  private readonly sources: Record<string, SourceDefinition>;
  /** Source → id of its run in progress in this process (one run per source at a time). */
  private readonly active = new Map<string, string>();

  constructor(
    private readonly http: UpstreamHttp,
    private readonly ingest: EvidenceIngestService,
    private readonly progress: SourceProgressBus,
    private readonly cache: CacheService,
    private readonly hgnc: HgncNormalizer,
    @InjectDataSource() private readonly dataSource: DataSource,
    snapshot: SnapshotServer,
    config: AppConfig,
  ) {
    const { clingen, gencc, panelapp, hpo, kidneyKeywords } = config.sources;
    // In snapshot mode every URL points at the loopback snapshot server, same paths.
    const at = (upstream: 'clingen' | 'gencc' | 'hpo' | 'panelapp', live: string, path: string) =>
      snapshot.enabled ? `${snapshot.urlFor(upstream)}${path}` : live;
    this.sources = {
      HPO: {
        namespace: 'hpo',
        // The bulk files are large: fetched without caching the raw text; the derived term
        // set is cached instead.
        load: async (client, force) => {
          if (force) await this.cache.clearNamespace('hpo');
          const terms = await this.cache.wrap(
            { descendants: hpo.rootTerm, of: hpo.ontologyUrl },
            async () => [
              ...descendantsOf(
                await client.text({
                  url: at('hpo', hpo.ontologyUrl, '/obo/hp.json'),
                  source: 'HPO',
                  namespace: 'hpo',
                  ttl: 0,
                }),
                hpo.rootTerm,
              ),
            ],
            'hpo',
          );
          return parseGenesToPhenotype(
            await client.text({
              url: at('hpo', hpo.genesToPhenotypeUrl, '/obo/hp/hpoa/genes_to_phenotype.txt'),
              source: 'HPO',
              namespace: 'hpo',
              ttl: 0,
            }),
            new Set(terms),
          );
        },
      },
      PanelApp: {
        namespace: 'panelapp',
        // Per-page responses are cached in the panelapp namespace; forceRefresh clears it first.
        load: async (client, force) => {
          if (force) await this.cache.clearNamespace('panelapp');
          const regions = panelapp.regions.map((r) => ({
            ...r,
            url: at('panelapp', r.url, `/${r.region === 'UK' ? 'uk' : 'au'}/api/v1`),
          }));
          return loadPanelApp(client, { ...panelapp, regions, keywords: kidneyKeywords });
        },
      },
      ClinGen: {
        namespace: 'clingen',
        load: async (client, force) => {
          if (force) await this.cache.clearNamespace('clingen');
          return parseClinGenCsv(
            await client.text({
              url: at('clingen', clingen.url, '/kb/gene-validity/download'),
              source: 'ClinGen',
              namespace: 'clingen',
            }),
            { expertPanels: clingen.expertPanels, keywords: clingen.keywords },
          );
        },
      },
      GenCC: {
        namespace: 'gencc',
        load: async (client, force) => {
          if (force) await this.cache.clearNamespace('gencc');
          return parseGenccDelimited(
            await client.text({
              url: at('gencc', gencc.url, '/download/action/submissions-export-tsv'),
              source: 'GenCC',
              namespace: 'gencc',
            }),
            kidneyKeywords,
          );
        },
      },
    };
  }

  names(): string[] {
    return Object.keys(this.sources);
  }

  async run(name: string, options: { forceRefresh?: boolean } = {}): Promise<SourceRunResult> {
    const source = Object.keys(this.sources).find((s) => s.toLowerCase() === name.toLowerCase());
    if (!source) {
      throw new UnknownSourceError(
        `No runnable source ${name}; available: ${this.names().join(', ')}`,
      );
    }
    const running = this.active.get(source);
    if (running) {
      throw new ConflictError(`${source} is already running (run ${running})`, {
        run_id: running,
      });
    }
    const runId = randomUUID();
    this.active.set(source, runId);
    try {
      // The in-process map answers with the run id; the advisory lock covers instances.
      const locked = await withTryAdvisoryLock(this.dataSource, `evidence-source:${source}`, () =>
        runWithContext({ runId }, () => this.execute(source, runId, options.forceRefresh === true)),
      );
      if (!locked.acquired) {
        throw new ConflictError(`${source} is already running in another instance`);
      }
      return locked.value;
    } finally {
      this.active.delete(source);
    }
  }

  private async execute(source: string, runId: string, force: boolean): Promise<SourceRunResult> {
    const started = performance.now();
    const base: SourceRunResult = {
      run_id: runId,
      source,
      status: 'failed',
      rows: 0,
      genes: 0,
      added: 0,
      updated: 0,
      staged: 0,
      created_genes: 0,
      failed: 0,
      failures: [],
      normalization: null,
      error: null,
      duration_ms: 0,
    };
    const emit = (phase: SourceProgress['phase'], extra: Partial<SourceProgress> = {}) =>
      this.progress.publish({
        source,
        runId,
        phase,
        processed: 0,
        total: null,
        added: 0,
        updated: 0,
        failed: 0,
        current: null,
        etaMs: null,
        ...extra,
      });
    this.logger.log({ source }, 'source run started');
    emit('fetching');
    let parsed: ParseResult;
    try {
      parsed = await this.sources[source].load(this.http, force);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error, source }, 'source run failed while fetching or parsing');
      emit('failed', { current: message });
      return { ...base, error: message, duration_ms: Math.round(performance.now() - started) };
    }
    for (const f of parsed.failures.slice(0, 50))
      this.logger.warn({ source, row: f.row }, `row skipped: ${f.reason}`);
    emit('storing', { total: parsed.records.length, failed: parsed.failures.length });
    if (parsed.records.length === 0) {
      const message = `${source} yielded no kidney genes from ${parsed.rows} rows`;
      this.logger.error({ source }, message);
      emit('failed', { current: message, failed: parsed.failures.length });
      return {
        ...base,
        rows: parsed.rows,
        failed: parsed.failures.length,
        failures: parsed.failures,
        error: message,
        duration_ms: Math.round(performance.now() - started),
      };
    }
    let stored: IngestResult;
    let normalization: NormalizationReport | null = null;
    try {
      const normalized = await this.hgnc.normalize(source, parsed.records);
      normalization = normalized.report;
      stored = await this.ingest.ingest(source, normalized.records);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error, source }, 'source run failed while storing');
      emit('failed', { current: message });
      return {
        ...base,
        rows: parsed.rows,
        genes: parsed.records.length,
        failed: parsed.failures.length,
        failures: parsed.failures,
        normalization,
        error: message,
        duration_ms: Math.round(performance.now() - started),
      };
    }
    const result: SourceRunResult = {
      ...base,
      ...stored,
      status: 'completed',
      rows: parsed.rows,
      genes: parsed.records.length,
      failed: parsed.failures.length,
      failures: parsed.failures,
      normalization,
      duration_ms: Math.round(performance.now() - started),
    };
    emit('completed', {
      processed: parsed.records.length,
      total: parsed.records.length,
      added: stored.added,
      updated: stored.updated,
      failed: parsed.failures.length,
    });
    this.logger.log({ source, ...stored, failed: result.failed }, 'source run completed');
    return result;
  }
}

import { Injectable } from '@nestjs/common';

import { AnnotationStoreService } from '../../genes/annotations/annotation-store.service.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import type { SourceRunContext } from '../base/upstream-source.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import { gunzipLines } from '../parsing/gzip-lines.js';
import { UpstreamPayloadError } from '../upstream/upstream.errors.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcomes,
  AnnotationSource,
  noData,
  PerRun,
} from './annotation-source.js';
import {
  buildAnnotations,
  type GeneProteins,
  PartnerScores,
  ProteinIndex,
} from './string-ppi.network.js';

const INFO_HEADER = ['#string_protein_id', 'preferred_name', 'protein_size', 'annotation'];
const LINKS_HEADER = 'protein1 protein2 combined_score';
const PROTEIN_ID = /^\d+\.\S+$/;
const SCORE = /^\d{1,4}$/;
/** Lines between progress updates while the links stream. */
const PROGRESS_EVERY = 500_000;

interface Network {
  kidney: Set<number>;
  proteins: Map<number, GeneProteins>;
  annotations: Map<number, Record<string, unknown>>;
}

/**
 * STRING physical protein–protein interactions among kidney genes (genes with an evidence
 * score above zero): the protein info file maps proteins to genes (see ProteinIndex), the
 * physical links file is streamed through gunzip line by line keeping only links between
 * two kidney genes at or above STRING_MIN_SCORE, and each kidney gene gets its score,
 * degree, every interaction and its percentile (see buildAnnotations). Both files are
 * read once per run, before any row is stored, so a bad file fails the run with nothing
 * half-written. Genes outside the kidney set, and kidney genes STRING has no protein for,
 * are "no data". The version is STRING_VERSION.
 */
@Injectable()
export class StringPpiAnnotationSource extends AnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'string_ppi',
    namespace: 'string_ppi',
    displayName: 'STRING PPI',
    description: 'Physical protein–protein interactions among kidney genes',
    url: 'https://string-db.org',
    documentationUrl: 'https://string-db.org/help/api/',
    mode: 'bulk',
    // After HGNC, whose identifiers it queries by.
    runOrder: 10,
    settings: (config) => config.sources.annotations.string,
  };
  private readonly network = new PerRun<Network>();

  constructor(
    kit: SourceToolkit,
    private readonly store: AnnotationStoreService,
  ) {
    super(kit);
  }

  private get settings() {
    return this.kit.config.sources.annotations.string;
  }

  /** Reads both files (the run fails here when one is unusable); the version is configured. */
  async version(ctx: SourceRunContext): Promise<string> {
    await this.load(ctx);
    return this.settings.version;
  }

  async annotate(genes: AnnotationGene[], ctx: SourceRunContext): Promise<AnnotationOutcomes> {
    const { kidney, proteins, annotations } = await this.load(ctx);
    const outcomes: AnnotationOutcomes = new Map();
    for (const gene of genes) {
      const data = annotations.get(gene.id);
      if (data) {
        outcomes.set(gene.id, annotated(data));
      } else if (!kidney.has(gene.id)) {
        outcomes.set(gene.id, noData('not a kidney gene (no evidence score)'));
      } else if (!proteins.has(gene.id)) {
        outcomes.set(
          gene.id,
          noData(`STRING ${this.settings.version} has no protein named ${gene.symbol}`),
        );
      }
    }
    return outcomes;
  }

  override finish(): void {
    this.network.release();
  }

  private fileUrl(kind: 'info' | 'physical.links'): string {
    const v = this.settings.version;
    const base = this.upstream('string', this.settings.url, '/download');
    return `${base}/protein.${kind}.v${v}/9606.protein.${kind}.v${v}.txt.gz`;
  }

  private load(ctx: SourceRunContext): Promise<Network> {
    return this.network.get(ctx.runId, async () => {
      const kidney = await this.store.kidneyGenes();
      const ids = new Set(kidney.map((g) => g.id));
      // Nothing to annotate: spare the download of hundreds of MB.
      if (kidney.length === 0) {
        return { kidney: ids, proteins: new Map(), annotations: new Map() };
      }
      const taken = await this.store.approvedSymbolsAmong(ProteinIndex.otherNames(kidney));
      ctx.progress({ current: 'STRING protein info' });
      const proteins = await this.readInfo(() => new ProteinIndex(kidney, taken), ctx);
      ctx.progress({ current: 'STRING physical links' });
      const scores = await this.readLinks(proteins, ctx);
      const annotations = buildAnnotations(kidney, proteins, scores, {
        version: this.settings.version,
        minScore: this.settings.minScore,
      });
      this.logger.log(
        { kidney_genes: kidney.length, with_protein: proteins.size },
        'STRING network built',
      );
      return { kidney: ids, proteins, annotations };
    });
  }

  /** The info file into gene → proteins; a restarted download starts a fresh index. */
  private readInfo(newIndex: () => ProteinIndex, ctx: SourceRunContext) {
    return this.stream(
      this.fileUrl('info'),
      async (body) => {
        const index = newIndex();
        let header: { id: number; name: number } | null = null;
        let n = 0;
        await gunzipLines(body, 'STRING protein info', (lines) => {
          for (const line of lines) {
            n += 1;
            if (!header) {
              header = infoHeader(line);
              continue;
            }
            if (line === '') {
              continue;
            }
            const cells = line.split('\t');
            const id = cells[header.id];
            const name = cells[header.name];
            if (!id || !PROTEIN_ID.test(id) || !name) {
              throw new UpstreamPayloadError(`STRING protein info line ${n} is malformed`);
            }
            index.offer(id, name);
          }
        });
        if (!header) {
          throw new UpstreamPayloadError('STRING protein info is empty (no header)');
        }
        return index.resolve();
      },
      { signal: ctx.signal },
    );
  }

  /** Streams the links, keeping only pairs of kidney genes at or above the minimum score. */
  private readLinks(proteins: Map<number, GeneProteins>, ctx: SourceRunContext) {
    const min = this.settings.minScore;
    return this.stream(
      this.fileUrl('physical.links'),
      async (body) => {
        const scores = new PartnerScores(proteins);
        let n = 0;
        await gunzipLines(body, 'STRING physical links', (lines) => {
          for (const line of lines) {
            n += 1;
            if (n === 1) {
              if (line.trim().split(/\s+/).join(' ') !== LINKS_HEADER) {
                throw new UpstreamPayloadError(
                  `STRING physical links: expected the header "${LINKS_HEADER}", got "${line.slice(0, 80)}"`,
                );
              }
              continue;
            }
            if (n % PROGRESS_EVERY === 0) {
              ctx.progress({ current: `STRING physical links: ${n} lines` });
            }
            if (line === '') {
              continue;
            }
            const [a, b, score, extra] = line.split(' ');
            if (!b || !score || extra !== undefined || !SCORE.test(score) || Number(score) > 1000) {
              throw new UpstreamPayloadError(`STRING physical links line ${n} is malformed`);
            }
            const geneA = scores.gene(a);
            if (geneA === undefined) {
              continue;
            }
            const geneB = scores.gene(b);
            if (geneB === undefined || Number(score) < min) {
              continue;
            }
            scores.add(geneA, geneB, Number(score));
          }
        });
        if (n === 0) {
          throw new UpstreamPayloadError('STRING physical links is empty (no header)');
        }
        return scores;
      },
      { signal: ctx.signal },
    );
  }
}

/** Column positions from the info file's header line. */
function infoHeader(line: string): { id: number; name: number } {
  const cells = line.split('\t');
  const id = cells.indexOf(INFO_HEADER[0]);
  const name = cells.indexOf(INFO_HEADER[1]);
  if (id < 0 || name < 0) {
    throw new UpstreamPayloadError(
      `STRING protein info: expected a header starting "${INFO_HEADER.join('\\t')}", got "${line.slice(0, 80)}"`,
    );
  }
  return { id, name };
}

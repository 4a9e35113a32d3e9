import { Injectable } from '@nestjs/common';

import { SourceToolkit } from '../base/source-toolkit.js';
import type { AnnotationDeclaration } from '../catalog/source-declaration.types.js';
import {
  annotated,
  type AnnotationGene,
  type AnnotationOutcome,
  type AnnotationOutcomes,
  BatchedAnnotationSource,
  failed,
  noData,
} from './annotation-source.js';

/** Ids per POST lookup (the API allows 1000; expanded genes are large). */
const BATCH = 50;

interface EnsemblExon {
  id?: string;
  start?: number;
  end?: number;
}

interface EnsemblTranscript {
  id?: string;
  version?: number;
  display_name?: string;
  biotype?: string;
  is_canonical?: number;
  start?: number;
  end?: number;
  MANE?: { type?: string; refseq_match?: string }[];
  Exon?: EnsemblExon[];
  Translation?: { id?: string; length?: number };
}

export interface EnsemblGene {
  id?: string;
  version?: number;
  display_name?: string;
  description?: string;
  biotype?: string;
  seq_region_name?: string;
  start?: number;
  end?: number;
  strand?: number;
  assembly_name?: string;
  canonical_transcript?: string;
  Transcript?: EnsemblTranscript[];
}

const isMane = (t: EnsemblTranscript) => (t.MANE ?? []).some((m) => m.type === 'MANE_Select');

/** Ensembl canonical, else MANE Select, else the longest protein-coding transcript. */
function canonicalOf(gene: EnsemblGene): EnsemblTranscript | undefined {
  const ts = gene.Transcript ?? [];
  const canonicalId = gene.canonical_transcript?.split('.')[0];
  return (
    ts.find((t) => t.is_canonical === 1) ??
    ts.find((t) => t.id === canonicalId) ??
    ts.find(isMane) ??
    ts
      .filter((t) => t.biotype === 'protein_coding')
      .sort((a, b) => (b.end ?? 0) - (b.start ?? 0) - ((a.end ?? 0) - (a.start ?? 0)))[0]
  );
}

/** The stored gene model of one lookup answer, or why it is unusable. */
export function ensemblOutcome(
  key: string,
  gene: EnsemblGene | null | undefined,
): AnnotationOutcome {
  if (!gene) {
    return noData(`Ensembl has no gene ${key}`);
  }
  const { seq_region_name: chromosome, start, end } = gene;
  if (typeof chromosome !== 'string' || typeof start !== 'number' || typeof end !== 'number') {
    return failed(`Ensembl: ${key} has no seq_region_name, start or end`);
  }
  const t = canonicalOf(gene);
  const exons = (t?.Exon ?? [])
    .filter((e) => typeof e.start === 'number' && typeof e.end === 'number')
    .sort((a, b) => (gene.strand === -1 ? b.start! - a.start! : a.start! - b.start!))
    .map((e, i) => ({
      exon_id: e.id ?? null,
      exon_number: i + 1,
      start: e.start!,
      end: e.end!,
      length: e.end! - e.start! + 1,
    }));
  return annotated({
    gene_id: gene.id,
    gene_symbol: gene.display_name ?? null,
    description: gene.description ?? null,
    biotype: gene.biotype ?? null,
    assembly: gene.assembly_name ?? null,
    chromosome,
    start,
    end,
    strand: gene.strand ?? null,
    gene_length: end - start + 1,
    transcript_count: gene.Transcript?.length ?? null,
    // The original's gene-level figure: the exons of the canonical transcript it draws.
    exon_count: t?.Exon ? exons.length : null,
    canonical_transcript: t
      ? {
          transcript_id: t.version ? `${t.id}.${t.version}` : (t.id ?? null),
          display_name: t.display_name ?? null,
          biotype: t.biotype ?? null,
          start: t.start ?? null,
          end: t.end ?? null,
          is_ensembl_canonical: t.is_canonical === 1,
          is_mane_select: isMane(t),
          refseq_transcript_id: t.MANE?.find((m) => m.type === 'MANE_Select')?.refseq_match ?? null,
          protein_length: t.Translation?.length ?? null,
          exon_count: t.Exon ? exons.length : null,
          exons,
        }
      : null,
  });
}

/**
 * Ensembl gene models through REST: batched POST `lookup/id` (or `lookup/symbol` for
 * genes without an Ensembl id) with `expand=1&mane=1`; only the canonical transcript and
 * its exons are kept, so no genome annotation is ever held. A gene Ensembl does not know
 * has no data; a batch that fails is retried gene by gene. The version is the release
 * from `info/data`.
 */
@Injectable()
export class EnsemblAnnotationSource extends BatchedAnnotationSource {
  readonly declaration: AnnotationDeclaration = {
    kind: 'annotation',
    name: 'ensembl',
    namespace: 'ensembl',
    displayName: 'Ensembl',
    description: 'Gene model with the canonical (MANE) transcript and its exons',
    url: 'https://www.ensembl.org',
    documentationUrl: 'https://rest.ensembl.org',
    mode: 'per-gene',
    // After HGNC, whose identifiers it queries by.
    runOrder: 10,
    settings: (config) => ({ url: config.sources.annotations.ensemblUrl }),
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  private get base(): string {
    return this.upstream('ensembl', this.kit.config.sources.annotations.ensemblUrl, '');
  }

  async version(): Promise<string> {
    const body = await this.json<{ releases?: number[] }>(
      `${this.base}/info/data?content-type=application/json`,
      {
        ttl: 3600,
        validate: (b) =>
          Array.isArray((b as { releases?: unknown })?.releases) ? null : 'no releases list',
      },
    );
    return `release-${Math.max(...body.releases!)}`;
  }

  protected readonly batchSize = BATCH;

  protected async lookup(genes: AnnotationGene[]): Promise<AnnotationOutcomes> {
    const outcomes: AnnotationOutcomes = new Map();
    const byId = genes.filter((g) => g.ensembl_gene_id);
    const bySymbol = genes.filter((g) => !g.ensembl_gene_id);
    if (byId.length > 0) {
      const answer = await this.post('/lookup/id', { ids: byId.map((g) => g.ensembl_gene_id!) });
      for (const g of byId) {
        outcomes.set(g.id, ensemblOutcome(g.ensembl_gene_id!, answer[g.ensembl_gene_id!]));
      }
    }
    if (bySymbol.length > 0) {
      const answer = await this.post('/lookup/symbol/homo_sapiens', {
        symbols: bySymbol.map((g) => g.symbol),
      });
      for (const g of bySymbol) {
        outcomes.set(g.id, ensemblOutcome(g.symbol, answer[g.symbol]));
      }
    }
    return outcomes;
  }

  private post(path: string, body: unknown): Promise<Record<string, EnsemblGene | null>> {
    return this.json<Record<string, EnsemblGene | null>>(
      `${this.base}${path}?expand=1&mane=1&content-type=application/json`,
      {
        method: 'POST',
        body: JSON.stringify(body),
        // Expanded genes carry every transcript and exon; read once per run, never cached.
        ttl: 0,
        headers: { 'Content-Type': 'application/json' },
        validate: (b) => {
          if (b === null || typeof b !== 'object' || Array.isArray(b)) {
            return 'not an object keyed by id';
          }
          const error = (b as { error?: unknown }).error;
          return typeof error === 'string' ? `Ensembl error: ${error}` : null;
        },
      },
    );
  }
}

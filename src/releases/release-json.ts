import type { FrozenGeneRow, SourceAtPublish } from './releases.repository.js';

/** Version of the JSON export's layout; the original's 2.0 layout plus our additions. */
export const JSON_SCHEMA_VERSION = '2.1';

export interface JsonExportHead {
  version: string;
  releaseDate: string;
  geneCount: number;
  evidenceCount: number;
  annotationCount: number;
  sources: SourceAtPublish[];
  citation: string;
}

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/**
 * The JSON export, written piece by piece: `head()`, then `gene()` for each gene in
 * order, then `tail()`. The pieces join into one pretty-printed (2-space) document:
 * `{version, release_date, gene_count, metadata, genes: [...]}`, the original's layout,
 * so its readers keep working.
 */
export class ReleaseJsonWriter {
  private genes = 0;

  head(h: JsonExportHead): string {
    const top = JSON.stringify(
      {
        version: h.version,
        release_date: h.releaseDate,
        gene_count: h.geneCount,
        metadata: {
          format: 'CalVer',
          schema_version: JSON_SCHEMA_VERSION,
          description: 'Kidney Genetics DB: curated kidney-disease genes with evidence scores',
          evidence_count: h.evidenceCount,
          annotation_count: h.annotationCount,
          citation: h.citation,
          sources: h.sources,
        },
      },
      null,
      2,
    );
    // Reopen the object to append the genes array.
    return `${top.slice(0, -2)},\n  "genes": [`;
  }

  gene(row: FrozenGeneRow): string {
    const gene = {
      approved_symbol: row.approved_symbol,
      hgnc_id: row.hgnc_id,
      name: row.name,
      aliases: row.aliases,
      previous_symbols: row.previous_symbols,
      // null only without a score row; a score of 0 stays 0.
      scores: row.scored
        ? {
            raw_score: Number(row.raw_score),
            percentage_score: Number(row.evidence_score),
            evidence_tier: row.evidence_tier,
            evidence_group: row.evidence_group,
            source_count: row.evidence_count,
            source_scores: row.source_scores,
          }
        : null,
      evidence: row.evidence,
      annotations: row.annotations,
    };
    const text = indent(JSON.stringify(gene, null, 2), '    ');
    return `${this.genes++ === 0 ? '' : ','}\n    ${text}`;
  }

  tail(): string {
    return this.genes === 0 ? ']\n}\n' : '\n  ]\n}\n';
  }
}

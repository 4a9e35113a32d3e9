import { stringify } from 'yaml';

/** What a citation says about a published release. */
export interface CitableRelease {
  version: string;
  publishedAt: Date;
  geneCount: number;
  doi: string | null;
  releaseNotes: string | null;
  /** SHA-256 of the JSON export. */
  exportChecksum: string;
}

export interface CitationContext {
  author: string;
  /** Where the public frontend is reached; the release's landing address without a DOI. */
  publicUrl: string;
}

export const DATASET_TITLE = 'Kidney Genetics DB: curated kidney-disease genes';

const doiUrl = (doi: string) => `https://doi.org/${doi}`;

/** `Author (2025). Title (Version 2025.10) [Data set]. 3,012 genes. https://doi.org/…` */
export function citationText(r: CitableRelease, ctx: CitationContext): string {
  const year = r.publishedAt.getUTCFullYear();
  const genes = `${r.geneCount.toLocaleString('en-US')} ${r.geneCount === 1 ? 'gene' : 'genes'}`;
  const where = r.doi ? doiUrl(r.doi) : ctx.publicUrl;
  return `${ctx.author} (${year}). ${DATASET_TITLE} (Version ${r.version}) [Data set]. ${genes}. ${where}`;
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** CITATION.cff (Citation File Format 1.2.0) of a release. */
export function citationCff(r: CitableRelease, ctx: CitationContext): string {
  const cff: Record<string, unknown> = {
    'cff-version': '1.2.0',
    message: 'If you use this gene list, please cite it as below.',
    type: 'dataset',
    title: DATASET_TITLE,
    version: r.version,
    'date-released': isoDate(r.publishedAt),
    authors: [{ name: ctx.author }],
    abstract: `${r.geneCount} kidney-disease genes with evidence scores, tiers and per-source evidence, frozen at release ${r.version}.`,
    keywords: ['kidney disease', 'nephrology', 'gene curation', 'genetics'],
    url: ctx.publicUrl,
  };
  if (r.doi) {
    cff.doi = r.doi;
    cff.identifiers = [{ type: 'doi', value: r.doi }];
  }
  return stringify(cff, { lineWidth: 0 });
}

/** DataCite metadata (the JSON:API `dois` resource, schema 4) of a release. */
export function citationDataCite(r: CitableRelease, ctx: CitationContext): Record<string, unknown> {
  return {
    data: {
      type: 'dois',
      attributes: {
        ...(r.doi ? { doi: r.doi } : {}),
        identifiers: r.doi ? [{ identifier: doiUrl(r.doi), identifierType: 'DOI' }] : [],
        creators: [{ name: ctx.author, nameType: 'Organizational' }],
        titles: [{ title: DATASET_TITLE }],
        publisher: { name: ctx.author },
        publicationYear: r.publishedAt.getUTCFullYear(),
        dates: [{ date: isoDate(r.publishedAt), dateType: 'Issued' }],
        types: { resourceTypeGeneral: 'Dataset', resourceType: 'Gene list' },
        version: r.version,
        sizes: [`${r.geneCount} genes`],
        formats: ['application/json', 'text/csv', 'text/tab-separated-values'],
        subjects: [{ subject: 'kidney disease' }, { subject: 'gene curation' }],
        descriptions: [
          {
            description:
              r.releaseNotes ??
              `Kidney Genetics DB release ${r.version}: ${r.geneCount} genes with evidence scores.`,
            descriptionType: 'Abstract',
          },
        ],
        url: ctx.publicUrl,
        schemaVersion: 'http://datacite.org/schema/kernel-4',
      },
    },
  };
}

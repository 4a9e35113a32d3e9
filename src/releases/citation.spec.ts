import { parse } from 'yaml';

import { citationCff, citationDataCite, citationText } from './citation.js';

const release = {
  version: '2025.10',
  publishedAt: new Date('2025-10-14T09:30:00Z'),
  geneCount: 3012,
  doi: null as string | null,
  releaseNotes: 'Adds: "quoted" notes: with colons',
  exportChecksum: 'a'.repeat(64),
};
const ctx = {
  author: 'Kidney Genetics DB contributors',
  publicUrl: 'https://kg.example.org/releases/2025.10',
};

describe('citations', () => {
  it('cite the release by author, year, version, gene count and where to find it', () => {
    expect(citationText(release, ctx)).toBe(
      'Kidney Genetics DB contributors (2025). Kidney Genetics DB: curated kidney-disease genes (Version 2025.10) [Data set]. 3,012 genes. https://kg.example.org/releases/2025.10',
    );
    expect(citationText({ ...release, doi: '10.5281/zenodo.123' }, ctx)).toMatch(
      / 3,012 genes\. https:\/\/doi\.org\/10\.5281\/zenodo\.123$/,
    );
    expect(citationText({ ...release, geneCount: 1 }, ctx)).toContain(' 1 gene. ');
  });

  it('write CITATION.cff 1.2.0 that parses back with the version as a string', () => {
    const cff = parse(citationCff({ ...release, doi: '10.5281/zenodo.123' }, ctx));
    expect(cff).toMatchObject({
      'cff-version': '1.2.0',
      type: 'dataset',
      version: '2025.10',
      'date-released': '2025-10-14',
      authors: [{ name: ctx.author }],
      doi: '10.5281/zenodo.123',
    });
    // 2025.10 must not come back as the number 2025.1.
    expect(typeof cff.version).toBe('string');
    expect(parse(citationCff(release, ctx))).not.toHaveProperty('doi');
  });

  it('write DataCite metadata of a dataset', () => {
    const doc = citationDataCite(release, ctx) as {
      data: { type: string; attributes: Record<string, unknown> };
    };
    expect(doc.data.type).toBe('dois');
    expect(doc.data.attributes).toMatchObject({
      publicationYear: 2025,
      version: '2025.10',
      types: { resourceTypeGeneral: 'Dataset' },
      creators: [{ name: ctx.author, nameType: 'Organizational' }],
      descriptions: [{ description: release.releaseNotes, descriptionType: 'Abstract' }],
    });
    expect(doc.data.attributes).not.toHaveProperty('doi');
  });
});

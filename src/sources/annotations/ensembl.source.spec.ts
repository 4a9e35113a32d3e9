import { ensemblOutcome } from './ensembl.source.js';

const gene = {
  id: 'ENSG00000008710',
  display_name: 'PKD1',
  seq_region_name: '16',
  start: 2088708,
  end: 2135898,
  strand: -1,
  Transcript: [
    {
      id: 'ENST00000262304',
      version: 10,
      is_canonical: 1,
      Exon: [
        { id: 'ENSE2', start: 2088708, end: 2089757 },
        { id: 'ENSE1', start: 2135429, end: 2135898 },
      ],
    },
  ],
};

describe('ensemblOutcome', () => {
  it("counts the canonical transcript's exons, numbered in transcript order", () => {
    expect(ensemblOutcome('ENSG00000008710', gene)).toMatchObject({
      kind: 'data',
      data: {
        exon_count: 2,
        canonical_transcript: {
          exon_count: 2,
          exons: [
            { exon_id: 'ENSE1', exon_number: 1, start: 2135429, end: 2135898, length: 470 },
            { exon_id: 'ENSE2', exon_number: 2, start: 2088708, end: 2089757, length: 1050 },
          ],
        },
      },
    });
  });

  it('leaves the exon count unknown when the lookup carried no exons', () => {
    const bare = { ...gene, Transcript: [{ id: 'ENST00000262304', is_canonical: 1 }] };
    expect(ensemblOutcome('ENSG00000008710', bare)).toMatchObject({
      data: { exon_count: null, canonical_transcript: { exon_count: null, exons: [] } },
    });
  });
});

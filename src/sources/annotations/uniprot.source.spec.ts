import { uniprotOutcome } from './uniprot.source.js';

const entry = {
  primaryAccession: 'P98161',
  uniProtkbId: 'PKD1_HUMAN',
  sequence: { length: 4303 },
  features: [
    {
      type: 'Domain',
      description: 'PLAT',
      location: { start: { value: 3116 }, end: { value: 3233 } },
    },
    {
      type: 'Transmembrane',
      description: 'Helical',
      location: { start: { value: 3075 }, end: { value: 3095 } },
    },
    { type: 'Disulfide bond', location: { start: { value: 10 }, end: { value: 20 } } },
  ],
  uniProtKBCrossReferences: [
    {
      database: 'Pfam',
      id: 'PF01477',
      properties: [
        { key: 'EntryName', value: 'PLAT' },
        { key: 'MatchStatus', value: '1' },
      ],
    },
    {
      database: 'InterPro',
      id: 'IPR001024',
      properties: [{ key: 'EntryName', value: 'PLAT/LH2_dom' }],
    },
  ],
};

describe('uniprotOutcome', () => {
  it('keeps domains and transmembranes with their lengths, and the Pfam families', () => {
    const outcome = uniprotOutcome('PKD1', entry);
    expect(outcome).toMatchObject({
      kind: 'data',
      data: {
        domains: [
          { type: 'Domain', description: 'PLAT', start: 3116, end: 3233, length: 118 },
          { type: 'Transmembrane', description: 'Helical', start: 3075, end: 3095, length: 21 },
        ],
        domain_count: 1,
        has_transmembrane: true,
        pfam_refs: [{ id: 'PF01477', database: 'Pfam', entry_name: 'PLAT', match_status: '1' }],
      },
    });
  });

  it('stores no Pfam families when the entry lists none', () => {
    const { uniProtKBCrossReferences: _x, ...bare } = entry;
    expect(uniprotOutcome('PKD1', bare)).toMatchObject({ data: { pfam_refs: [] } });
  });
});

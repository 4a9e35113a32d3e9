/**
 * Synthetic upstreams in the real formats for the annotations benchmark. They run in a
 * child process of their own, so the benchmark's memory figures are the app's alone.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { argv } from 'node:process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip } from 'node:zlib';

export const GENES = 5000;
/** Docs in the generated HGNC complete set (about the real set's size). */
export const HGNC_DOCS = 45_000;
export const LATENCY_MS = 50;
export const RATE = 100;
const VARIANTS_PER_GENE = 12;
const TISSUES = 54;
/** Generated HPO: terms in the ontology, phenotype rows per gene. */
export const HPO_TERMS = 20_000;
export const HPO_TERMS_PER_GENE = 60;
const CLASSES = [
  'Pathogenic',
  'Likely pathogenic',
  'Pathogenic/Likely pathogenic',
  'Uncertain significance',
  'Conflicting classifications of pathogenicity',
  'Likely benign',
  'Benign',
];

/** STRING proteins: one per gene, a second (isoform) for every fifth gene, then non-genes. */
const STRING_OTHER_PROTEINS = 14_000;
/** Offsets to partners; each protein is listed with 2 × this many links (both directions). */
export const STRING_OFFSETS = 100;
export const stringProteinCount = () => GENES + GENES / 5 + STRING_OTHER_PROTEINS;
const ensp = (i: number) => `9606.ENSP${String(i + 1).padStart(11, '0')}`;
/** Protein index → preferred name: GENE<n>, its isoform, or a protein of no gene. */
const stringName = (i: number) =>
  i < GENES ? `GENE${i + 1}` : i < GENES * 1.2 ? `GENE${(i - GENES) * 5 + 1}` : `OTHER${i}`;
/** Symmetric, spread over 150–999, so about a quarter fall under the 400 minimum. */
const stringScore = (a: number, b: number) =>
  ((Math.min(a, b) * 7919 + Math.max(a, b) * 104_729) % 850) + 150;

/** The generated STRING files, gzipped as they stream (never held whole, here either). */
async function streamString(kind: 'info' | 'links', res: ServerResponse): Promise<void> {
  const n = stringProteinCount();
  const offsets = Array.from({ length: STRING_OFFSETS }, (_, k) => ((k + 1) * 197) % n);
  const lines = function* (): Generator<string> {
    if (kind === 'info') {
      yield '#string_protein_id\tpreferred_name\tprotein_size\tannotation\n';
      for (let i = 0; i < n; i++) {
        yield `${ensp(i)}\t${stringName(i)}\t${300 + (i % 900)}\tsynthetic protein ${i}\n`;
      }
      return;
    }
    yield 'protein1 protein2 combined_score\n';
    for (let i = 0; i < n; i++) {
      let batch = '';
      for (const d of offsets) {
        for (const j of [(i + d) % n, (i - d + n) % n]) {
          batch += `${ensp(i)} ${ensp(j)} ${stringScore(i, j)}\n`;
        }
      }
      yield batch;
    }
  };
  const counted = function* (): Generator<string> {
    stringBytes[kind] = 0;
    for (const text of lines()) {
      stringBytes[kind] += text.length;
      yield text;
    }
  };
  res.writeHead(200, { 'content-type': 'application/gzip' });
  await pipeline(Readable.from(counted()), createGzip({ level: 1 }), res);
}
const stringBytes = { info: 0, links: 0 };

/** Classes in the generated MP ontology (about the real one's size), kidney subtree first. */
export const MP_TERMS = 14_000;
const MP_KIDNEY_TERMS = 700;
const MP_PHENOTYPES_PER_GENE = 20;
const mpId = (i: number) => `MP:${String(1_000_000 + i).padStart(7, '0')}`;
const mpIri = (id: string) => `http://purl.obolibrary.org/obo/${id.replace(':', '_')}`;

/** mp.json in obographs form: MP:0005367 above terms 1–700, the rest under the root. */
function generatedMp(): string {
  const nodes = [
    { id: mpIri('MP:0000001'), lbl: 'mammalian phenotype', type: 'CLASS', meta: {} },
    { id: mpIri('MP:0005367'), lbl: 'renal/urinary system phenotype', type: 'CLASS', meta: {} },
  ];
  const edges = [{ sub: mpIri('MP:0005367'), pred: 'is_a', obj: mpIri('MP:0000001') }];
  for (let i = 1; i <= MP_TERMS; i++) {
    const kidney = i <= MP_KIDNEY_TERMS;
    const up = Math.floor(i / 3);
    const parent = kidney
      ? up >= 1
        ? mpId(up)
        : 'MP:0005367'
      : up > MP_KIDNEY_TERMS
        ? mpId(up)
        : 'MP:0000001';
    nodes.push({ id: mpIri(mpId(i)), lbl: `phenotype ${i}`, type: 'CLASS', meta: {} });
    edges.push({ sub: mpIri(mpId(i)), pred: 'is_a', obj: mpIri(parent) });
  }
  return JSON.stringify({
    graphs: [
      {
        meta: { version: 'http://purl.obolibrary.org/obo/mp/releases/2025-03-12/mp.json' },
        nodes,
        edges,
      },
    ],
  });
}

/**
 * MouseMine template answers: GENEn's ortholog Genen has 20 MP terms, three of them
 * kidney terms for one gene in seven; one gene in ten has no ortholog (no rows).
 */
function mousemineAnswer(q: URLSearchParams): unknown {
  const value = q.get('value1') ?? '';
  const envelope = (views: string[], results: unknown[][]) => ({
    views,
    results,
    wasSuccessful: true,
    error: null,
    statusCode: 200,
  });
  if (q.get('name') === 'HGene_MPhenotype') {
    const rows = value.split(',').flatMap((symbol) => {
      const n = geneNo(symbol);
      if (n % 10 === 9) {
        return [];
      }
      return Array.from({ length: MP_PHENOTYPES_PER_GENE }, (_, k) => {
        const term =
          n % 7 === 0 && k < 3
            ? ((n + k) % MP_KIDNEY_TERMS) + 1
            : MP_KIDNEY_TERMS + 1 + ((n * 31 + k) % (MP_TERMS - MP_KIDNEY_TERMS));
        return [
          `HGNC:${100000 + n}`,
          symbol,
          'Homo sapiens',
          `MGI:${n}`,
          `Gene${n}`,
          'Mus musculus',
          mpId(term),
          `phenotype ${term}`,
        ];
      });
    });
    return envelope(
      [
        'Gene.primaryIdentifier',
        'Gene.symbol',
        'Gene.organism.name',
        'Gene.homologues.homologue.primaryIdentifier',
        'Gene.homologues.homologue.symbol',
        'Gene.homologues.homologue.organism.name',
        'Gene.homologues.homologue.ontologyAnnotations.ontologyTerm.identifier',
        'Gene.homologues.homologue.ontologyAnnotations.ontologyTerm.name',
      ],
      rows,
    );
  }
  const n = geneNo(value);
  const rows = (['hm', 'ht', 'cn'] as const).flatMap((zygosity, z) =>
    [(n % MP_KIDNEY_TERMS) + 1, MP_KIDNEY_TERMS + 1 + z].map((term) => [
      `MGI:${n}${z}`,
      `${value}<tm${z + 1}>/${value}<${zygosity === 'ht' ? '+' : `tm${z + 1}`}>`,
      'C57BL/6J',
      zygosity,
      mpId(term),
      `phenotype ${term}`,
      null,
    ]),
  );
  return envelope(
    [
      'OntologyAnnotation.subject.primaryIdentifier',
      'OntologyAnnotation.subject.symbol',
      'OntologyAnnotation.subject.background.name',
      'OntologyAnnotation.subject.zygosity',
      'OntologyAnnotation.ontologyTerm.identifier',
      'OntologyAnnotation.ontologyTerm.name',
      'OntologyAnnotation.evidence.publications.pubMedId',
    ],
    rows,
  );
}

const ensg = (n: number) => `ENSG${String(900_000_000 + n).padStart(11, '0')}`;
const geneNo = (s: string) => Number(/(\d+)$/.exec(s)?.[1] ?? '0');

/** Synthetic upstreams in the real formats, each answer delayed like a distant host. */
function upstreamHandler(): (req: IncomingMessage, res: ServerResponse, body: string) => unknown {
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-uniprot-release': '2025_01' });
    res.end(JSON.stringify(body));
  };
  let completeSet: string | null = null;
  let hpo: { ontology: string; genes: string } | null = null;
  let mp: string | null = null;
  return (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    switch (url.pathname) {
      case '/hgnc_complete_set.json': {
        completeSet ??= JSON.stringify({
          response: {
            numFound: HGNC_DOCS,
            docs: Array.from({ length: HGNC_DOCS }, (_, i) => ({
              hgnc_id: `HGNC:${100001 + i}`,
              symbol: `GENE${i + 1}`,
              name: `synthetic gene ${i + 1}`,
              status: 'Approved',
              locus_type: 'gene with protein product',
              location: '1p36.33',
              alias_symbol: [`ALIAS${i + 1}`],
              prev_symbol: [],
              entrez_id: String(800_000 + i),
              ensembl_gene_id: ensg(i + 1),
              uniprot_ids: [`Q${String(i).padStart(5, '0')}`],
              mane_select: [`ENST${String(i).padStart(11, '0')}.1`, `NM_${900000 + i}.1`],
              date_modified: '2025-01-07T00:00:00Z',
            })),
          },
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(completeSet);
      }
      case '/hp.json':
      case '/genes_to_phenotype.txt': {
        hpo ??= syntheticHpo();
        res.writeHead(200);
        return res.end(url.pathname === '/hp.json' ? hpo.ontology : hpo.genes);
      }
      case '/einfo.fcgi':
        return json(res, { einforesult: { dbinfo: [{ lastupdate: '2025/05/06 09:32' }] } });
      case '/esearch.fcgi': {
        const n = geneNo(q.get('term')!.replace('[gene]', ''));
        const ids = Array.from({ length: VARIANTS_PER_GENE }, (_, i) => String(n * 100 + i));
        return json(res, { esearchresult: { count: String(ids.length), idlist: ids } });
      }
      case '/esummary.fcgi': {
        const ids = q.get('id')!.split(',');
        const result: Record<string, unknown> = { uids: ids };
        for (const id of ids) {
          result[id] = {
            uid: id,
            obj_type: 'single nucleotide variant',
            title: `NM_000000.1(GENE):c.${id}A>G (p.Arg${id}Trp)`,
            molecular_consequence_list: ['missense variant'],
            germline_classification: {
              description: CLASSES[Number(id) % CLASSES.length],
              review_status: 'criteria provided, single submitter',
              trait_set: [{ trait_name: 'Kidney disease' }],
            },
          };
        }
        return json(res, { result });
      }
      case '/gnomad': {
        const { variables } = JSON.parse(body) as { variables: Record<string, string> };
        const data: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(variables)) {
          data[`g${name.slice(1)}`] = {
            gene_id: value,
            symbol: `GENE${geneNo(value)}`,
            gnomad_constraint: {
              pLI: 0.5,
              oe_lof: 0.4,
              oe_lof_lower: 0.3,
              oe_lof_upper: 0.6,
              lof_z: 2,
              mis_z: 1,
              syn_z: 0,
            },
          };
        }
        return json(res, { data });
      }
      case '/gtex/reference/gene':
        return json(res, {
          data: q
            .getAll('geneId')
            .map((id) => ({ gencodeId: `${id}.7`, geneSymbol: `GENE${geneNo(id)}` })),
          paging_info: { numberOfPages: 1 },
        });
      case '/gtex/expression/medianGeneExpression': {
        const rows = q.getAll('gencodeId').flatMap((id) =>
          Array.from({ length: TISSUES }, (_, t) => ({
            tissueSiteDetailId: t === 0 ? 'Kidney_Cortex' : `Tissue_${t}`,
            gencodeId: id,
            median: t + 0.5,
            unit: 'TPM',
          })),
        );
        const page = Number(q.get('page'));
        const size = Number(q.get('itemsPerPage'));
        return json(res, {
          data: rows.slice(page * size, (page + 1) * size),
          paging_info: { numberOfPages: Math.ceil(rows.length / size), page },
        });
      }
      case '/uniprotkb/search': {
        const symbols = [...(q.get('query') ?? '').matchAll(/gene_exact:(\w+)/g)].map((m) => m[1]);
        return json(res, {
          results: symbols.map((s) => ({
            primaryAccession: `Q${s}`,
            uniProtkbId: `${s}_HUMAN`,
            genes: [{ geneName: { value: s } }],
            sequence: { length: 500 },
            features: [
              { type: 'Transmembrane', location: { start: { value: 10 }, end: { value: 30 } } },
            ],
          })),
        });
      }
      case '/mp.json':
        mp ??= generatedMp();
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(mp);
      case '/mousemine/version/release':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('MGI 6.24');
      case '/mousemine/template/results':
        return json(res, mousemineAnswer(q));
      case '/info/data':
        return json(res, { releases: [115] });
      case '/lookup/id': {
        const { ids } = JSON.parse(body) as { ids: string[] };
        return json(
          res,
          Object.fromEntries(
            ids.map((id) => [
              id,
              {
                id,
                display_name: `GENE${geneNo(id)}`,
                biotype: 'protein_coding',
                seq_region_name: '1',
                start: 1_000_000,
                end: 1_050_000,
                strand: 1,
                assembly_name: 'GRCh38',
                Transcript: Array.from({ length: 10 }, (_, t) => ({
                  id: `ENST${id.slice(4)}${t}`,
                  version: 1,
                  biotype: 'protein_coding',
                  is_canonical: t === 0 ? 1 : 0,
                  start: 1_000_000,
                  end: 1_050_000 - t,
                  Exon: Array.from({ length: 12 }, (_, e) => ({
                    id: `ENSE${id.slice(4)}${t}${e}`,
                    start: 1_000_000 + e * 4000,
                    end: 1_000_000 + e * 4000 + 150,
                  })),
                })),
              },
            ]),
          ),
        );
      }
      case '/string/protein.info.v12.0/9606.protein.info.v12.0.txt.gz':
        return streamString('info', res).catch(() => res.destroy());
      case '/string/protein.physical.links.v12.0/9606.protein.physical.links.v12.0.txt.gz':
        return streamString('links', res).catch(() => res.destroy());
      default:
        res.writeHead(404);
        return res.end('{}');
    }
  };
}

/**
 * An HPO of HPO_TERMS terms hanging below the real structural roots (kidney, the
 * syndromic categories, onset, inheritance), and HPO_TERMS_PER_GENE phenotype rows for
 * each gene (by the NCBI ids of the synthetic HGNC set), spread over the tree.
 */
function syntheticHpo(): { ontology: string; genes: string } {
  const iri = (id: string) => `http://purl.obolibrary.org/obo/${id.replace(':', '_')}`;
  const structure: [string, string][] = [
    ['HP:0000118', 'HP:0000001'],
    ['HP:0000079', 'HP:0000118'],
    ['HP:0010935', 'HP:0000079'],
    ['HP:0000077', 'HP:0010935'],
    ['HP:0012210', 'HP:0000077'],
    ['HP:0001507', 'HP:0000118'],
    ['HP:0000924', 'HP:0000118'],
    ['HP:0000707', 'HP:0000118'],
    ['HP:0000152', 'HP:0000118'],
    ['HP:0000005', 'HP:0000001'],
    ['HP:0031797', 'HP:0000001'],
    ['HP:0003674', 'HP:0031797'],
    ['HP:0003581', 'HP:0003674'],
    ['HP:0410280', 'HP:0003674'],
    ['HP:0003577', 'HP:0003674'],
  ];
  const anchors = structure.map(([id]) => id);
  const term = (i: number) => `HP:${String(1_000_000 + i).padStart(7, '0')}`;
  const edges = [
    ...structure,
    ...Array.from({ length: HPO_TERMS }, (_, i): [string, string] => [
      term(i),
      i < anchors.length ? anchors[i] : term(Math.floor((i - anchors.length) / 3)),
    ]),
  ];
  const ontology = JSON.stringify({
    graphs: [
      {
        meta: { version: 'http://purl.obolibrary.org/obo/hp/releases/2026-06-06/hp.json' },
        nodes: edges.map(([id]) => ({ id: iri(id), lbl: `term ${id}`, type: 'CLASS' })),
        edges: edges.map(([sub, obj]) => ({ sub: iri(sub), pred: 'is_a', obj: iri(obj) })),
      },
    ],
  });
  const lines = ['ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id'];
  for (let g = 1; g <= GENES; g++) {
    for (let k = 0; k < HPO_TERMS_PER_GENE; k++) {
      const id = term((g * 7919 + k * 104_729) % HPO_TERMS);
      lines.push(
        `${800_000 + g - 1}\tGENE${g}\t${id}\tterm ${id}\t-\tOMIM:${600_000 + (g % 3000)}`,
      );
    }
  }
  return { ontology, genes: lines.join('\n') };
}

/**
 * Serves the synthetic upstreams, each answer delayed by LATENCY_MS; `/__stats` answers
 * the request count and the STRING links bytes streamed so far. Sends `{port}` to the
 * parent once listening.
 */
function serve(): void {
  const handle = upstreamHandler();
  let requests = 0;
  const server = createServer((req, res) => {
    if (req.url === '/__stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ requests, stringLinksBytes: stringBytes.links }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      void sleep(LATENCY_MS).then(() => handle(req, res, Buffer.concat(chunks).toString()));
    });
  });
  server.listen(0, '127.0.0.1', () =>
    process.send!({ port: (server.address() as AddressInfo).port }),
  );
}

if (argv.includes('--serve') && process.send) {
  serve();
}

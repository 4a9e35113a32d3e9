import { readFile } from 'node:fs/promises';

import { mousemineAnswer } from './mousemine-snapshot.js';

/** An answer of the snapshot server: status and JSON body. */
export interface SnapshotAnswer {
  status: number;
  body: unknown;
}

type Json = Record<string, unknown>;
const NOT_IN_SNAPSHOT = { status: 404, body: { error: 'not in the offline snapshot' } };

const load = async (dir: string, file: string): Promise<Json> =>
  JSON.parse(await readFile(dir + file, 'utf8')) as Json;

/**
 * The annotation upstreams over the snapshot's extracts (provenance in data/README.md): E-utilities for
 * ClinVar, gnomAD GraphQL, the GTEx API, UniProt search, Ensembl lookups and MouseMine
 * templates. A request
 * naming a gene the snapshot lacks is answered 404 (or, for GraphQL, an error on that
 * field), so it is recorded as a failure, never passed off as "no data".
 */
export async function annotationAnswer(
  dir: string,
  method: string,
  url: URL,
  body: string,
): Promise<SnapshotAnswer | null> {
  const path = url.pathname;
  const q = url.searchParams;
  if (path === '/clinvar/einfo.fcgi') {
    return { status: 200, body: await load(dir, 'clinvar/einfo.json') };
  }
  if (path === '/clinvar/esearch.fcgi') {
    const symbol = (q.get('term') ?? '').replace(/\[gene\]$/i, '').toUpperCase();
    const ids = (await load(dir, 'clinvar/esearch.json'))[symbol] as string[] | undefined;
    if (!ids) {
      return NOT_IN_SNAPSHOT;
    }
    return {
      status: 200,
      body: {
        esearchresult: {
          count: String(ids.length),
          retmax: String(ids.length),
          retstart: '0',
          idlist: ids,
        },
      },
    };
  }
  if (path === '/clinvar/esummary.fcgi') {
    const records = await load(dir, 'clinvar/esummary.json');
    const ids = (q.get('id') ?? '').split(',').filter((id) => id in records);
    return {
      status: 200,
      body: { result: { uids: ids, ...Object.fromEntries(ids.map((id) => [id, records[id]])) } },
    };
  }
  if (path === '/gnomad/api' && method === 'POST') {
    return gnomad(dir, body);
  }
  if (path === '/gtex/api/v2/reference/gene') {
    const { reference } = (await load(dir, 'gtex/genes.json')) as { reference: Json[] };
    const wanted = q.getAll('geneId').map((g) => g.toUpperCase());
    const found = wanted.map((w) =>
      reference.find(
        (r) => String(r.gencodeId).split('.')[0] === w || String(r.geneSymbol).toUpperCase() === w,
      ),
    );
    if (found.some((f) => !f)) {
      return NOT_IN_SNAPSHOT;
    }
    return { status: 200, body: { data: found, paging_info: { numberOfPages: 1, page: 0 } } };
  }
  if (path === '/gtex/api/v2/expression/medianGeneExpression') {
    const { median } = (await load(dir, 'gtex/genes.json')) as { median: Json[] };
    const ids = new Set(q.getAll('gencodeId'));
    const rows = median.filter((m) => ids.has(String(m.gencodeId)));
    return { status: 200, body: { data: rows, paging_info: { numberOfPages: 1, page: 0 } } };
  }
  if (path === '/uniprot/uniprotkb/search') {
    return uniprot(dir, q.get('query') ?? '');
  }
  if (path === '/ensembl/info/data') {
    return { status: 200, body: await load(dir, 'ensembl/info-data.json') };
  }
  if (path.startsWith('/ensembl/lookup/') && method === 'POST') {
    const genes = await load(dir, 'ensembl/genes.json');
    const request = JSON.parse(body || '{}') as { ids?: string[]; symbols?: string[] };
    const keys = request.ids ?? request.symbols ?? [];
    const bySymbol = (k: string) =>
      Object.values(genes).find((g) => (g as Json).display_name === k);
    const answer = Object.fromEntries(keys.map((k) => [k, genes[k] ?? bySymbol(k)]));
    return Object.values(answer).some((v) => !v) ? NOT_IN_SNAPSHOT : { status: 200, body: answer };
  }
  return mousemineAnswer(dir, url);
}

async function gnomad(dir: string, body: string): Promise<SnapshotAnswer> {
  const genes = await load(dir, 'gnomad/genes.json');
  const { variables = {} } = JSON.parse(body || '{}') as { variables?: Record<string, string> };
  const data: Json = {};
  const errors: Json[] = [];
  for (const [name, value] of Object.entries(variables)) {
    const alias = `g${name.slice(1)}`;
    const gene =
      genes[value] ?? Object.values(genes).find((g) => (g as Json).symbol === value) ?? null;
    data[alias] = gene;
    if (!gene) {
      errors.push({ message: 'not in the offline snapshot', path: [alias] });
    }
  }
  return { status: 200, body: errors.length > 0 ? { data, errors } : { data } };
}

async function uniprot(dir: string, query: string): Promise<SnapshotAnswer> {
  const entries = await load(dir, 'uniprot/entries.json');
  if (query.startsWith('organism_id:')) {
    return { status: 200, body: { results: Object.values(entries).slice(0, 1) } };
  }
  const symbols = [...query.matchAll(/gene_exact:([^\s)]+)/g)].map((m) => m[1].toUpperCase());
  if (symbols.some((s) => !entries[s])) {
    return NOT_IN_SNAPSHOT;
  }
  return { status: 200, body: { results: symbols.map((s) => entries[s]) } };
}

import { readFile } from 'node:fs/promises';

import type { SnapshotAnswer } from './annotation-snapshot.js';

interface InterMineTable {
  views: string[];
  results: unknown[][];
}

const load = async <T>(dir: string, file: string): Promise<T> =>
  JSON.parse(await readFile(dir + file, 'utf8')) as T;

/**
 * MouseMine's template web service over the snapshot's extracts: `HGene_MPhenotype`
 * (LOOKUP of comma-separated human symbols) and `_Genotype_Phenotype` (CONTAINS on the
 * genotype symbol). A batch naming a gene the extract does not cover is answered 404, so
 * that gene is recorded as a failure rather than as "no mouse ortholog"; genes the
 * extract knows to have no rows (APOL1 has no mouse ortholog) answer with none.
 */
export async function mousemineAnswer(dir: string, url: URL): Promise<SnapshotAnswer | null> {
  if (url.pathname !== '/mousemine/mousemine/service/template/results') {
    return null;
  }
  const q = url.searchParams;
  const value = q.get('value1') ?? '';
  if (q.get('name') === 'HGene_MPhenotype') {
    const { no_rows, answer } = await load<{ no_rows: string[]; answer: InterMineTable }>(
      dir,
      'mgi/hgene-mphenotype.json',
    );
    const symbolAt = answer.views.indexOf('Gene.symbol');
    const known = new Set([
      ...no_rows,
      ...answer.results.map((r) => String(r[symbolAt]).toUpperCase()),
    ]);
    const wanted = new Set(value.split(',').map((s) => s.trim().toUpperCase()));
    if ([...wanted].some((s) => !known.has(s))) {
      return { status: 404, body: { error: 'not in the offline snapshot', statusCode: 404 } };
    }
    const results = answer.results.filter((r) => wanted.has(String(r[symbolAt]).toUpperCase()));
    return { status: 200, body: { ...answer, results } };
  }
  if (q.get('name') === '_Genotype_Phenotype') {
    const answer = await load<InterMineTable>(dir, 'mgi/genotype-phenotype.json');
    const symbolAt = answer.views.indexOf('OntologyAnnotation.subject.symbol');
    const needle = value.toLowerCase();
    const results = answer.results.filter((r) =>
      String(r[symbolAt]).toLowerCase().includes(needle),
    );
    return { status: 200, body: { ...answer, results } };
  }
  return {
    status: 400,
    body: { error: 'unknown template', statusCode: 400, wasSuccessful: false },
  };
}

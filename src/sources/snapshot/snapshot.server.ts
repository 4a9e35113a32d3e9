import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';

import { AppConfig } from '../../config/index.js';
import { annotationAnswer } from './annotation-snapshot.js';

/** The data folder, from src/ (tests) or from dist/src/ (built app, data not copied). */
export function snapshotDataDir(): string {
  for (const rel of ['./data/', '../../../../src/sources/snapshot/data/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) {
      return dir;
    }
  }
  throw new Error('offline snapshot data not found (src/sources/snapshot/data)');
}

const contentType = (file: string) =>
  file.endsWith('.json')
    ? 'application/json'
    : file.endsWith('.gz')
      ? 'application/gzip'
      : 'text/plain';

/** Real upstream paths → snapshot files; `null` = the upstream's 404. */
function fileFor(pathname: string, query: URLSearchParams): string | null {
  const routes: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^\/clingen\/kb\/gene-validity\/download$/, () => 'clingen/gene-validity.csv'],
    [/^\/gencc\/download\/action\/submissions-export-tsv$/, () => 'gencc/submissions-export.tsv'],
    [/^\/hpo\/obo\/hp\.json$/, () => 'hpo/hp.json'],
    [
      /^\/hgnc-files\/public-download-files\/hgnc\/json\/json\/hgnc_complete_set\.json$/,
      () => 'hgnc/complete-set.json',
    ],
    [/^\/hpo\/obo\/hp\/hpoa\/genes_to_phenotype\.txt$/, () => 'hpo/genes_to_phenotype.txt'],
    [/^\/mp\/obo\/mp\.json$/, () => 'mgi/mp.json'],
    [
      /^\/descartes\/data\/bbi\/descartes\/human_gtex\/tables\/(tissue_tpm|tissue_percentage)\/kidney\.csv$/,
      (m) => `descartes/${m[1]}/kidney.csv`,
    ],
    [
      /^\/go\/(annotations\/goa_human\.gaf\.gz|ontology\/go-basic\.json)$/,
      (m) => `go/${m[1].split('/')[1]}`,
    ],
    [
      /^\/reactome\/download\/current\/NCBI2Reactome_All_Levels\.txt$/,
      () => 'reactome/NCBI2Reactome_All_Levels.txt',
    ],
    [/^\/mousemine\/mousemine\/service\/version\/release$/, () => 'mgi/release.txt'],
    [
      /^\/string\/download\/protein\.(info|physical\.links)\.v12\.0\/9606\.protein\.\1\.v12\.0\.txt\.gz$/,
      (m) => `string/9606.protein.${m[1]}.v12.0.txt.gz`,
    ],
    [
      /^\/panelapp\/(uk|au)\/api\/v1\/panels\/$/,
      (m) => `panelapp/${m[1]}/panels-page-${Number(query.get('page') ?? '1')}.json`,
    ],
    [
      /^\/pubtator\/search\/$/,
      () => `pubtator/search-page-${Number(query.get('page') ?? '1')}.json`,
    ],
    [
      /^\/panelapp\/(uk|au)\/api\/v1\/panels\/(\d+)\/$/,
      (m) => `panelapp/${m[1]}/panel-${m[2]}.json`,
    ],
  ];
  for (const [re, file] of routes) {
    const m = re.exec(pathname);
    if (m) {
      return file(m);
    }
  }
  return null;
}

export type SnapshotUpstream =
  | 'clingen'
  | 'gencc'
  | 'hgnc'
  | 'hgnc-files'
  | 'hpo'
  | 'panelapp'
  | 'pubtator'
  | 'clinvar'
  | 'gnomad'
  | 'gtex'
  | 'uniprot'
  | 'ensembl'
  | 'string'
  | 'mp'
  | 'mousemine'
  | 'descartes'
  | 'go'
  | 'reactome';

interface HgncSnapshotDoc {
  hgnc_id: string;
  symbol: string;
  alias_symbol?: string[];
  prev_symbol?: string[];
}

/**
 * The HGNC REST API over the snapshot's complete-set extract: `/search/symbol/A+OR+B`
 * (search docs carry only hgnc_id, symbol and score) and `/fetch/{field}/{term}`.
 */
function hgncAnswer(pathname: string, docs: HgncSnapshotDoc[]): unknown {
  const envelope = (found: unknown[]) => ({
    responseHeader: { status: 0, QTime: 0 },
    response: { numFound: found.length, start: 0, docs: found },
  });
  const search = /^\/hgnc\/search\/symbol\/(.+)$/.exec(pathname);
  if (search) {
    const terms = new Set(search[1].split('+OR+').map((t) => decodeURIComponent(t).toUpperCase()));
    return envelope(
      docs
        .filter((d) => terms.has(d.symbol.toUpperCase()))
        .map((d) => ({ hgnc_id: d.hgnc_id, symbol: d.symbol, score: 1 })),
    );
  }
  const fetch = /^\/hgnc\/fetch\/(symbol|prev_symbol|alias_symbol|hgnc_id)\/(.+)$/.exec(pathname);
  if (!fetch) {
    return null;
  }
  const term = decodeURIComponent(fetch[2]).toUpperCase();
  const field = fetch[1] as 'symbol' | 'prev_symbol' | 'alias_symbol' | 'hgnc_id';
  return envelope(
    docs.filter((d) => {
      const value = d[field];
      const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
      return values.some((v) => v.toUpperCase() === term);
    }),
  );
}

/**
 * In snapshot mode, serves the recorded upstream files on a loopback port under the real
 * URL paths, so every source runs its real client and parser with no internet.
 */
@Injectable()
export class SnapshotServer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotServer.name);
  private server?: Server;
  private base?: string;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.sources.mode === 'snapshot';
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) {
      return;
    }
    const dir = snapshotDataDir();
    const hgncDocs = (
      JSON.parse(await readFile(`${dir}hgnc/complete-set.json`, 'utf8')) as {
        response: { docs: HgncSnapshotDoc[] };
      }
    ).response.docs;
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://snapshot');
      const send = (status: number, body: string | Buffer, type: string) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        annotationAnswer(dir, req.method ?? 'GET', url, body).then(
          (answer) => {
            if (answer) {
              return send(answer.status, JSON.stringify(answer.body), 'application/json');
            }
            this.serveFile(dir, url, hgncDocs, send);
          },
          (error: unknown) => send(500, String(error), 'text/plain'),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.logger.log(`offline snapshot served at ${this.base} (UPSTREAM_MODE=snapshot)`);
  }

  private serveFile(
    dir: string,
    url: URL,
    hgncDocs: HgncSnapshotDoc[],
    send: (status: number, body: string | Buffer, type: string) => void,
  ): void {
    const file = fileFor(url.pathname, url.searchParams);
    if (url.pathname.startsWith('/hgnc/')) {
      const answer = hgncAnswer(url.pathname, hgncDocs);
      if (answer) {
        return send(200, JSON.stringify(answer), 'application/json');
      }
    }
    if (!file) {
      return send(404, '{"detail":"Not found."}', 'application/json');
    }
    readFile(dir + file).then(
      (body) => send(200, body, contentType(file)),
      // PanelApp answers a page past the end like this.
      () => send(404, '{"detail":"Invalid page."}', 'application/json'),
    );
  }

  /** The base URL standing in for `upstream`. */
  urlFor(upstream: SnapshotUpstream): string {
    if (!this.base) {
      throw new Error('snapshot server not started');
    }
    return `${this.base}/${upstream}`;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

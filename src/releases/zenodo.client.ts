import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { DATASET_TITLE } from './citation.js';

export interface ZenodoSettings {
  token: string;
  /** e.g. https://zenodo.org or https://sandbox.zenodo.org, no trailing slash. */
  url: string;
  community?: string;
  timeoutMs: number;
}

export interface DepositRequest {
  version: string;
  publishedAt: Date;
  geneCount: number;
  author: string;
  releaseNotes: string | null;
  fileName: string;
  size: number;
  /** The file's bytes; read once. */
  open: () => Readable;
}

/** Why a deposit failed, with the step and Zenodo's answer. */
export class ZenodoError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`Zenodo ${step}: ${message}`);
  }
}

interface Deposition {
  id: number;
  links: { bucket: string };
}

/**
 * Deposits a release on Zenodo through its REST API (developers.zenodo.org): create a
 * deposition, upload the file to its bucket, set the metadata, publish. Each request has
 * the configured time limit; any failure throws a ZenodoError naming the step.
 */
export class ZenodoClient {
  constructor(private readonly settings: ZenodoSettings) {}

  async deposit(req: DepositRequest): Promise<{ doi: string; recordUrl: string | null }> {
    const created = await this.json<Deposition>(
      'create deposition',
      'POST',
      '/api/deposit/depositions',
      {},
    );
    if (typeof created.id !== 'number' || typeof created.links?.bucket !== 'string') {
      throw new ZenodoError('create deposition', 'the answer has no id or bucket link');
    }
    await this.upload(`${created.links.bucket}/${encodeURIComponent(req.fileName)}`, req);
    await this.json('set metadata', 'PUT', `/api/deposit/depositions/${created.id}`, {
      metadata: {
        upload_type: 'dataset',
        title: `${DATASET_TITLE} (release ${req.version})`,
        creators: [{ name: req.author }],
        description:
          `<p>Release ${req.version} of Kidney Genetics DB: ${req.geneCount} kidney-disease genes ` +
          `with evidence scores, tiers and per-source evidence.</p>` +
          (req.releaseNotes ? `<p>${escapeHtml(req.releaseNotes)}</p>` : ''),
        access_right: 'open',
        license: 'cc-by-4.0',
        version: req.version,
        publication_date: req.publishedAt.toISOString().slice(0, 10),
        keywords: ['kidney disease', 'nephrology', 'gene curation', 'genetics'],
        ...(this.settings.community
          ? { communities: [{ identifier: this.settings.community }] }
          : {}),
      },
    });
    const published = await this.json<{ doi?: string; links?: { html?: string } }>(
      'publish',
      'POST',
      `/api/deposit/depositions/${created.id}/actions/publish`,
    );
    if (typeof published.doi !== 'string' || published.doi === '') {
      throw new ZenodoError('publish', 'the answer has no DOI');
    }
    return { doi: published.doi, recordUrl: published.links?.html ?? null };
  }

  private async json<T>(step: string, method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.settings.url}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.settings.token}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw new ZenodoError(step, describe(error));
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new ZenodoError(step, `HTTP ${response.status} ${summary(text)}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ZenodoError(step, `the answer is not JSON: ${summary(text)}`);
    }
  }

  /** PUTs the file with its length (Zenodo's bucket API wants one), streamed. */
  private upload(url: string, req: DepositRequest): Promise<void> {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<void>((resolve, reject) => {
      const fail = (message: string) => reject(new ZenodoError('upload', message));
      const out = send(
        target,
        {
          method: 'PUT',
          headers: {
            Authorization: `Bearer ${this.settings.token}`,
            'Content-Type': 'application/octet-stream',
            'Content-Length': String(req.size),
          },
          timeout: this.settings.timeoutMs,
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.length < 64 && parts.push(d));
          res.on('error', (e) => fail(describe(e)));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              resolve();
            } else {
              fail(`HTTP ${status} ${summary(Buffer.concat(parts).toString('utf8'))}`);
            }
          });
        },
      );
      out.on('timeout', () => out.destroy(new Error(`no answer in ${this.settings.timeoutMs} ms`)));
      out.on('error', (e) => fail(describe(e)));
      pipeline(req.open(), out).catch((e: unknown) => fail(describe(e)));
    });
  }
}

const summary = (text: string) => text.replace(/\s+/g, ' ').slice(0, 300);

const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

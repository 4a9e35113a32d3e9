/**
 * Every operation of the original kidney-genetics-db OpenAPI (../shared/reference/
 * original-openapi.snapshot.json), with what its clients (the Vue frontend and the MCP
 * sidecar) send and read, as the contract test replays it: `served` operations must answer
 * here with the role, status and the fields the clients read; `gap` ones are not (yet)
 * compatible and say why; `elsewhere` ones are not ported (the shadow tests).
 */
import { eventually } from '../support/wait.js';
import type { Role } from './contract-context.js';
import { type ContractContext, has } from './contract-context.js';

export interface ContractCall {
  /** Path and query as the client sends them. */
  path: string;
  body?: unknown;
  form?: Record<string, string>;
  /** A multipart upload: the file and the other fields. */
  multipart?: { file: { name: string; content: string }; fields: Record<string, string> };
  headers?: Record<string, string>;
  /** A token to send instead of the role's (a session the call may end). */
  token?: string;
}

export interface Served {
  kind: 'served';
  /** The least role that may call it here. */
  role: Role;
  call?: (ctx: ContractContext) => ContractCall | Promise<ContractCall>;
  /** The status the client gets; any 2xx when omitted (the clients accept 200, 201, 202). */
  status?: number;
  /** The fields the client reads that the answer lacks (none = compatible). */
  reads?: (body: unknown, headers: Record<string, string>, text: string) => string[];
  /** Awaited after the call: background work it started that later calls must not meet. */
  settle?: (ctx: ContractContext) => Promise<void>;
}

export interface Gap {
  kind: 'gap';
  why: string;
}

export interface Elsewhere {
  kind: 'elsewhere';
  why: string;
}

export type Expectation = Served | Gap | Elsewhere;

const served = (role: Role, rest: Omit<Served, 'kind' | 'role'> = {}): Served => ({
  kind: 'served',
  role,
  ...rest,
});
const elsewhere = (why: string): Elsewhere => ({ kind: 'elsewhere', why });

/** What the Network page reads of a graph: nodes first (2 here), then the edge. */
const CYTOSCAPE_READS = [
  ...['id', 'label', 'gene_id', 'degree'].map((f) => `cytoscape_json.elements.0.data.${f}`),
  ...['id', 'source', 'target', 'weight', 'string_score'].map(
    (f) => `cytoscape_json.elements.2.data.${f}`,
  ),
];
const ENRICHMENT_READS = [
  'cluster_size',
  'fdr_threshold',
  ...['term_id', 'term_name', 'p_value', 'fdr', 'gene_count', 'cluster_size', 'genes.0']
    .concat(['enrichment_score', 'odds_ratio'])
    .map((f) => `results.0.${f}`),
];

/** PKD1 and PKD2, a stored STRING interaction between them, and a term holding both. */
async function networkBody(ctx: ContractContext) {
  const { id: partner } = await ctx.db.one<{ id: number }>(
    `SELECT id FROM genes WHERE approved_symbol = 'PKD2'`,
  );
  const interaction = (id: number, symbol: string) => ({
    string_version: '12.0',
    min_score: 400,
    interactions: [{ partner_symbol: symbol, partner_gene_id: id, string_score: 999 }],
  });
  for (const [gene, other, symbol] of [
    [ctx.gene.id, partner, 'PKD2'],
    [partner, ctx.gene.id, 'PKD1'],
  ] as const) {
    await ctx.db.exec(
      `INSERT INTO gene_annotations (gene_id, source, version, annotations)
       VALUES ($1, 'string_ppi', '12.0', $2) ON CONFLICT (gene_id, source) DO NOTHING`,
      [gene, interaction(other, symbol)],
    );
  }
  // A second term of three other genes makes a universe of 5: PKD1 + PKD2 in a term of
  // two is then p = 1/C(5,2), a result below any fdr_threshold of 1.
  const others = (
    await ctx.db.rows<{ id: number }>(
      `SELECT id FROM genes WHERE approved_symbol IN ('COL4A5', 'NPHS1', 'UMOD') ORDER BY id`,
    )
  ).map((r) => r.id);
  for (const [library, source, term] of [
    ['HPO', 'hpo_phenotypes', 'HP:0000107'],
    ['GO_BP', 'go', 'GO:0060271'],
  ]) {
    await ctx.db.exec(
      `INSERT INTO gene_set_libraries (name, source, version, term_count, gene_count)
       VALUES ($1, $2, 'contract', 2, 5) ON CONFLICT (name) DO NOTHING`,
      [library, source],
    );
    await ctx.db.exec(
      `INSERT INTO gene_set_terms (library, term_id, term_name, gene_ids)
       VALUES ($1, $2, $3, $4), ($1, 'X:1', 'other genes', $5) ON CONFLICT DO NOTHING`,
      [library, term, `term ${term}`, [ctx.gene.id, partner], others],
    );
  }
  return { gene_ids: [ctx.gene.id, partner], min_string_score: 400, min_degree: 0 };
}

const SHADOW = elsewhere("the original's shadow-test routes are not ported (issue 21)");

/**
 * Waits until no pipeline run is active, so a replayed run start is not refused (409)
 * because an earlier replay still holds its sources.
 */
async function pipelineIdle(ctx: ContractContext): Promise<void> {
  const idle = await eventually(
    async () =>
      (await ctx.db.count(
        'pipeline_runs',
        `status IN ('queued', 'running', 'paused', 'cancelling')`,
      )) === 0,
    120_000,
  );
  if (!idle) {
    throw new Error('a pipeline run is still active');
  }
}

/** The first source a gene detail answer lists (the MCP reads its score by that name). */
const firstSource = (b: unknown): string =>
  String(
    (b as { data?: { attributes?: { sources?: string[] } } }).data?.attributes?.sources?.[0] ??
      'a scored source',
  );

const GENE_LIST_QUERY =
  'page[number]=1&page[size]=10&filter[min_score]=0&filter[max_score]=100&filter[min_count]=1&filter[hide_zero_scores]=true&sort=-evidence_score';

/** Keyed by `METHOD path` exactly as the original OpenAPI spells the path. */
export const ORIGINAL_OPERATIONS: Record<string, Expectation> = {
  // System and SEO (§3)
  'GET /': served('anonymous', {
    reads: (b) => has(b, 'name', 'version', 'links.docs', 'links.openapi', 'links.health'),
  }),
  // The original's Docker healthcheck; an alias of liveness.
  'GET /health': served('anonymous', { status: 200, reads: (b) => has(b, 'status') }),
  'GET /version': served('anonymous', { reads: (b) => has(b, 'backend.version') }),
  'GET /sitemap.xml': served('anonymous', {
    reads: (_b, h, text) => [
      ...(/xml/.test(h['content-type'] ?? '') ? [] : ['an XML content type']),
      ...(/max-age=3600/.test(h['cache-control'] ?? '') ? [] : ['Cache-Control max-age=3600']),
      ...(/<urlset|<sitemapindex/.test(text) ? [] : ['a urlset']),
    ],
  }),

  // Auth and users (§2)
  'POST /api/auth/login': served('anonymous', {
    call: (ctx) => ({
      path: '/api/auth/login',
      form: { username: 'admin', password: ctx.adminPassword, grant_type: 'password' },
    }),
    reads: (b, h) => [...has(b, 'access_token'), ...(h['set-cookie'] ? [] : ['refresh cookie'])],
  }),
  'POST /api/auth/refresh': served('anonymous', {
    call: async (ctx) => ({
      path: '/api/auth/refresh',
      body: {},
      headers: {
        Cookie: `refresh_token=${encodeURIComponent((await ctx.freshLogin('viewer')).refreshToken)}`,
        'X-Requested-With': 'XMLHttpRequest',
      },
    }),
    reads: (b) => has(b, 'access_token'),
  }),
  'POST /api/auth/logout': served('viewer', {
    call: async (ctx) => ({
      path: '/api/auth/logout',
      body: {},
      token: (await ctx.freshLogin('viewer')).accessToken,
    }),
  }),
  'GET /api/auth/me': served('viewer', {
    reads: (b) =>
      has(
        b,
        'id',
        'username',
        'email',
        'full_name',
        'role',
        'is_active',
        'is_verified',
        'created_at',
        'updated_at',
      ),
  }),
  'POST /api/auth/forgot-password': served('anonymous', {
    call: () => ({ path: '/api/auth/forgot-password', body: { email: 'nobody@example.org' } }),
  }),
  'POST /api/auth/reset-password': served('anonymous', {
    call: () => ({
      path: '/api/auth/reset-password',
      body: { token: 'not-a-reset-token-0123456789', new_password: 'Another-Passw0rd!' },
    }),
    status: 400,
    reads: (b) => has(b, 'error.detail'),
  }),
  'POST /api/auth/change-password': served('viewer', {
    call: async (ctx) => {
      const user = await ctx.freshLogin('viewer');
      return {
        path: '/api/auth/change-password',
        body: { current_password: user.password, new_password: `${user.password}-2` },
        token: user.accessToken,
      };
    },
  }),
  'POST /api/auth/register': served('admin', {
    call: (ctx) => {
      const name = ctx.unique('reg');
      return {
        path: '/api/auth/register',
        body: {
          username: name,
          email: `${name}@example.org`,
          full_name: 'New Curator',
          password: 'Str0ng-Passw0rd!',
          role: 'curator',
          is_active: true,
          is_verified: true,
        },
      };
    },
    reads: (b) => has(b, 'id', 'username', 'role', 'is_active'),
  }),
  'GET /api/auth/users': served('admin', {
    reads: (b) =>
      Array.isArray(b)
        ? has(b, '0.username', '0.email', '0.role', '0.is_active', '0.is_verified')
        : ['a bare array of users'],
  }),
  'PUT /api/auth/users/{user_id}': served('admin', {
    call: async (ctx) => ({
      path: `/api/auth/users/${(await ctx.freshLogin('viewer')).id}`,
      body: { full_name: 'Renamed', role: 'curator', is_active: true, is_verified: true },
    }),
    reads: (b) => has(b, 'id', 'role'),
  }),
  'DELETE /api/auth/users/{user_id}': served('admin', {
    call: async (ctx) => ({ path: `/api/auth/users/${(await ctx.freshLogin('viewer')).id}` }),
  }),

  // Genes (§4)
  'GET /api/genes/': served('anonymous', {
    call: () => ({ path: `/api/genes/?${GENE_LIST_QUERY}` }),
    reads: (b) =>
      has(
        b,
        'data.0.id',
        'data.0.attributes.approved_symbol',
        'data.0.attributes.aliases',
        'data.0.attributes.hgnc_id',
        'data.0.attributes.evidence_tier',
        'data.0.attributes.evidence_count',
        'data.0.attributes.evidence_score',
        'data.0.attributes.sources',
        'meta.total',
        'meta.page',
        'meta.per_page',
        'meta.page_count',
        'meta.filters.available_sources',
        'meta.filters.evidence_count.max',
      ),
  }),
  'POST /api/genes/': served('curator', {
    call: (ctx) => ({
      path: '/api/genes/',
      body: { approved_symbol: ctx.unique('GENE').toUpperCase(), hgnc_id: ctx.uniqueHgncId() },
    }),
  }),
  'GET /api/genes/{gene_symbol}': served('anonymous', {
    call: (ctx) => ({ path: `/api/genes/${ctx.gene.symbol.toLowerCase()}` }),
    // The gene page's fields, and the MCP full mode's (`source_scores` with a scored source).
    reads: (b) =>
      has(
        b,
        'data.id',
        'data.attributes.approved_symbol',
        'data.attributes.hgnc_id',
        'data.attributes.evidence_score',
        'data.attributes.evidence_tier',
        'data.attributes.evidence_group',
        'data.attributes.evidence_count',
        'data.attributes.sources',
        'data.attributes.score_breakdown',
        'data.attributes.source_scores',
        `data.attributes.source_scores.${firstSource(b)}`,
      ),
  }),
  'GET /api/genes/{gene_symbol}/evidence': served('anonymous', {
    call: (ctx) => ({ path: `/api/genes/${ctx.gene.symbol}/evidence` }),
    reads: (b) =>
      has(
        b,
        'data.0.id',
        'data.0.attributes.source_name',
        'data.0.attributes.evidence_data',
        'meta.gene_symbol',
        'meta.evidence_count',
      ),
  }),
  'POST /api/genes/hpo-classifications': served('anonymous', {
    call: (ctx) => ({ path: '/api/genes/hpo-classifications', body: { gene_ids: [ctx.gene.id] } }),
    reads: (b) =>
      has(
        b,
        'data.0.gene_id',
        'data.0.clinical_group',
        'data.0.onset_group',
        'data.0.is_syndromic',
      ),
  }),
  'GET /api/genes/resolve': served('anonymous', {
    call: (ctx) => ({ path: `/api/genes/resolve?query=${ctx.gene.symbol}` }),
    reads: (b) =>
      has(
        b,
        'data.id',
        'data.attributes.hgnc_id',
        'data.attributes.approved_symbol',
        'data.attributes.match_type',
      ),
  }),

  // Annotations (§5)
  'GET /api/annotations/genes/{gene_id}/annotations': served('anonymous', {
    call: (ctx) => ({ path: `/api/annotations/genes/${ctx.gene.id}/annotations` }),
    // The seeded HPO and Descartes rows, under the original's keys, as the gene page's cards
    // read them.
    reads: (b) =>
      has(
        b,
        'gene.id',
        'gene.symbol',
        'gene.hgnc_id',
        'annotations.hpo.0.version',
        'annotations.hpo.0.metadata',
        'annotations.hpo.0.updated_at',
        'annotations.hpo.0.data.no_data_available',
        'annotations.hpo.0.data.kidney_phenotype_count',
        'annotations.hpo.0.data.classification.clinical_group.primary',
        'annotations.hpo.0.data.classification.onset_group.primary',
        'annotations.hpo.0.data.classification.syndromic_assessment.is_syndromic',
        'annotations.descartes.0.data.no_data_available',
        'annotations.descartes.0.data.kidney_tpm',
        'annotations.descartes.0.data.kidney_percentage',
      ),
  }),
  'GET /api/annotations/genes/{gene_id}/annotations/summary': served('anonymous', {
    call: (ctx) => ({ path: `/api/annotations/genes/${ctx.gene.id}/annotations/summary` }),
    reads: (b) =>
      has(
        b,
        'gene_id',
        'symbol',
        'hgnc_id',
        'identifiers.ncbi_gene_id',
        'identifiers.ensembl_gene_id',
        'identifiers.mane_select_transcript',
        'constraint_scores.pli',
        'constraint_scores.oe_lof',
        'constraint_scores.lof_z',
        'constraint_scores.mis_z',
      ),
  }),
  'GET /api/annotations/sources': served('anonymous', {
    call: () => ({ path: '/api/annotations/sources?active_only=true' }),
    reads: (b) =>
      Array.isArray(b) && b.length > 0
        ? has(
            b[0],
            'source_name',
            'display_name',
            'description',
            'version',
            'url',
            'is_active',
            'last_update',
            'next_update',
            'update_frequency',
          )
        : ['a bare array of sources'],
  }),
  'GET /api/annotations/statistics': served('anonymous', {
    reads: (b) => has(b, 'total_genes_with_annotations', 'genes_with_both_sources', 'sources'),
  }),
  'GET /api/annotations/pipeline/status': served('curator', {
    reads: (b) =>
      has(
        b,
        'pipeline_ready',
        'updates_due',
        'sources.0.source',
        'sources.0.update_due',
        'sources.0.last_update',
      ),
  }),
  'GET /api/annotations/scheduler/jobs': served('anonymous', {
    reads: (b) => has(b, 'scheduler_running', 'jobs'),
  }),
  'POST /api/annotations/scheduler/trigger/{job_id}': served('admin', {
    call: async (ctx) => {
      await pipelineIdle(ctx);
      return { path: '/api/annotations/scheduler/trigger/daily_incremental' };
    },
    reads: (b) => has(b, 'message'),
  }),
  'POST /api/annotations/pipeline/update': served('admin', {
    call: async (ctx) => {
      await pipelineIdle(ctx);
      return {
        path: '/api/annotations/pipeline/update?strategy=selective&sources=hgnc&force=false',
      };
    },
    reads: (b) => has(b, 'task_id'),
  }),
  'POST /api/annotations/pipeline/update-missing/{source_name}': served('admin', {
    call: async (ctx) => {
      await pipelineIdle(ctx);
      return { path: '/api/annotations/pipeline/update-missing/hgnc' };
    },
    reads: (b) => has(b, 'count'),
  }),
  'POST /api/annotations/pipeline/update-failed': served('admin', {
    call: async (ctx) => {
      await pipelineIdle(ctx);
      return { path: '/api/annotations/pipeline/update-failed' };
    },
    reads: (b) => has(b, 'count'),
  }),
  'POST /api/annotations/pipeline/update-new': served('admin', {
    call: async (ctx) => {
      await pipelineIdle(ctx);
      // A gene added since the last full update (with none, the answer is 409 here).
      await ctx.t
        .http()
        .post('/api/genes')
        .set('Authorization', `Bearer ${ctx.token('admin')}`)
        .send({ approved_symbol: ctx.unique('NEW').toUpperCase(), hgnc_id: ctx.uniqueHgncId() })
        .expect(201);
      return { path: '/api/annotations/pipeline/update-new?days_back=7' };
    },
    reads: (b) => has(b, 'count'),
  }),
  // Admin here (⚠ orig: public); the page only logs the answer.
  'POST /api/annotations/pipeline/validate': served('admin', {
    reads: (b) => has(b, 'total_annotations', 'issues_found', 'issues'),
  }),
  'POST /api/annotations/refresh-view': served('admin', { reads: (b) => has(b, 'message') }),
  'POST /api/annotations/batch': served('anonymous', {
    call: (ctx) => ({ path: '/api/annotations/batch', body: [ctx.gene.id] }),
    reads: (b) => has(b, 'genes', 'annotations', 'total_genes', 'genes_with_annotations'),
  }),
  'POST /api/annotations/genes/{gene_id}/annotations/update': served('admin', {
    call: async (ctx) => {
      await pipelineIdle(ctx);
      return { path: `/api/annotations/genes/${ctx.gene.id}/annotations/update?sources=hgnc` };
    },
    reads: (b) => has(b, 'status', 'gene_id', 'sources', 'message'),
  }),
  'POST /api/annotations/percentiles/refresh': served('admin', {
    call: () => ({ path: '/api/annotations/percentiles/refresh?source=string_ppi' }),
    reads: (b) => has(b, 'status', 'source', 'message'),
  }),
  'GET /api/annotations/percentiles/validate/{source}': served('admin', {
    call: () => ({ path: '/api/annotations/percentiles/validate/string_ppi' }),
    reads: (b) => has(b, 'source', 'valid'),
  }),
  // Limited to a gene id no gene has, so the replay deletes nothing others read.
  'DELETE /api/annotations/reset': served('admin', {
    call: () => ({ path: '/api/annotations/reset?source=gnomad&gene_ids=2147483647' }),
    reads: (b) => has(b, 'status', 'message', 'affected_genes'),
  }),

  // Data sources (§6)
  'GET /api/datasources/': served('anonymous', {
    reads: (b) =>
      has(
        b,
        'data.total_unique_genes',
        'data.total_active',
        'data.last_data_update',
        'data.total_evidence_records',
        'data.explanations.unique_genes',
        'data.explanations.publications',
        'data.sources.0.name',
        'data.sources.0.display_name',
        'data.sources.0.url',
        'data.sources.0.description',
        'data.sources.0.status',
        'data.sources.0.stats.gene_count',
        'data.sources.0.stats.evidence_count',
        'data.sources.0.stats.last_updated',
        'data.sources.0.stats.metadata',
      ),
  }),
  'GET /api/datasources/{source_name}': served('anonymous', {
    call: () => ({ path: '/api/datasources/PanelApp' }),
    reads: (b) => has(b, 'data.name'),
  }),
  // The replayed app reads the offline snapshot (on loopback): runs reach no network.
  'POST /api/datasources/{source_name}/update': served('admin', {
    call: async (ctx) => {
      await pipelineIdle(ctx);
      return { path: '/api/datasources/ClinGen/update' };
    },
  }),
  'POST /api/datasources/update-all': served('admin', {
    call: async (ctx) => {
      await pipelineIdle(ctx);
      return { path: '/api/datasources/update-all' };
    },
  }),

  // Staging (§7)
  'GET /api/staging/staging/pending': served('curator', {
    call: async (ctx) => {
      await ctx.stagingId();
      return { path: '/api/staging/staging/pending?limit=50&requires_expert_review=true' };
    },
    reads: (b) =>
      Array.isArray(b)
        ? has(
            b,
            '0.id',
            '0.original_text',
            '0.source_name',
            '0.priority_score',
            '0.requires_expert_review',
            '0.status',
            '0.normalization_log',
          )
        : ['a bare array of staging records'],
  }),
  'GET /api/staging/staging/stats': served('curator', {
    reads: (b) => has(b, 'total_pending', 'total_approved', 'total_rejected'),
  }),
  'POST /api/staging/staging/{staging_id}/approve': served('curator', {
    call: async (ctx) => ({
      path: `/api/staging/staging/${await ctx.stagingId()}/approve`,
      body: {
        approved_symbol: ctx.gene.symbol,
        hgnc_id: ctx.gene.hgncId,
        notes: null,
        reviewer: 'Admin User',
      },
    }),
  }),
  'POST /api/staging/staging/{staging_id}/reject': served('curator', {
    call: async (ctx) => ({
      path: `/api/staging/staging/${await ctx.stagingId()}/reject`,
      body: { notes: 'not a gene', reviewer: 'Admin User' },
    }),
  }),
  'GET /api/staging/normalization/stats': served('curator', {
    reads: (b) => has(b, 'success_rate', 'total_attempts', 'successful_attempts', 'by_source'),
  }),
  // No client calls it; replayed with the original's parameters.
  'GET /api/staging/normalization/logs': served('curator', {
    call: async (ctx) => {
      await ctx.stagingId();
      return { path: '/api/staging/normalization/logs?limit=100&source_filter=GenCC' };
    },
    reads: (b) =>
      Array.isArray(b)
        ? has(b, '0.id', '0.original_text', '0.source_name', '0.success', '0.normalization_log')
        : ['a bare array of log entries'],
  }),
  'POST /api/staging/normalization/test': served('curator', {
    call: (ctx) => ({
      path: `/api/staging/normalization/test?gene_text=${ctx.gene.symbol}&source_name=Manual%20Test`,
    }),
    status: 200,
    reads: (b) => has(b, 'success', 'result', 'error'),
  }),

  // Ingestion of hybrid sources (§8)
  'GET /api/ingestion/': served('anonymous', { reads: (b) => has(b, 'data.sources') }),
  'GET /api/ingestion/{source_name}/status': served('anonymous', {
    call: () => ({ path: '/api/ingestion/DiagnosticPanels/status' }),
    reads: (b) => has(b, 'data.evidence_records', 'data.unique_genes'),
  }),
  'POST /api/ingestion/{source_name}/upload': served('curator', {
    call: (ctx) => ({
      path: '/api/ingestion/DiagnosticPanels/upload',
      multipart: {
        file: {
          name: 'panels.csv',
          content: `Gene,Panel_Name\n${ctx.gene.symbol},Cystic Kidney Panel\n`,
        },
        fields: { mode: 'merge', provider_name: ctx.unique('Lab') },
      },
    }),
    reads: (b) =>
      has(
        b,
        'data.status',
        'data.genes_processed',
        'data.storage_stats.created',
        'data.storage_stats.merged',
        'data.message',
      ),
  }),
  'GET /api/ingestion/{source_name}/uploads': served('curator', {
    call: async (ctx) => {
      await ctx.upload();
      return { path: '/api/ingestion/DiagnosticPanels/uploads?limit=50&offset=0' };
    },
    reads: (b) =>
      has(
        b,
        'data.uploads.0.id',
        'data.uploads.0.evidence_name',
        'data.uploads.0.original_filename',
        'data.uploads.0.upload_status',
        'data.uploads.0.uploaded_by',
        'data.uploads.0.uploaded_at',
        'data.uploads.0.gene_count',
        'data.uploads.0.genes_normalized',
        'data.uploads.0.genes_failed',
      ),
  }),
  'GET /api/ingestion/{source_name}/audit': served('curator', {
    call: async (ctx) => {
      await ctx.upload();
      return { path: '/api/ingestion/DiagnosticPanels/audit?limit=50&offset=0' };
    },
    reads: (b) =>
      has(
        b,
        'data.audit_records.0.action',
        'data.audit_records.0.performed_by',
        'data.audit_records.0.performed_at',
        'data.audit_records.0.details',
      ),
  }),
  'GET /api/ingestion/{source_name}/identifiers': served('anonymous', {
    call: async (ctx) => {
      await ctx.upload();
      return { path: '/api/ingestion/DiagnosticPanels/identifiers' };
    },
    reads: (b) =>
      has(
        b,
        'data.identifiers.0.identifier',
        'data.identifiers.0.gene_count',
        'data.identifiers.0.last_updated',
      ),
  }),
  'DELETE /api/ingestion/{source_name}/identifiers/{identifier}': served('curator', {
    call: async (ctx) => ({
      path: `/api/ingestion/DiagnosticPanels/identifiers/${encodeURIComponent((await ctx.upload()).identifier)}`,
    }),
  }),
  'DELETE /api/ingestion/{source_name}/uploads/{upload_id}': served('curator', {
    call: async (ctx) => ({
      path: `/api/ingestion/DiagnosticPanels/uploads/${(await ctx.upload()).uploadId}`,
    }),
  }),

  // Network analysis (§9): PKD1 and PKD2 with one stored STRING interaction and a term
  // holding both in the HPO and GO_BP libraries.
  'POST /api/network/build': served('anonymous', {
    call: async (ctx) => ({
      path: '/api/network/build',
      body: { ...(await networkBody(ctx)), remove_isolated: false, largest_component_only: false },
    }),
    reads: (b) => has(b, 'nodes', 'edges', 'components', ...CYTOSCAPE_READS),
  }),
  'POST /api/network/cluster': served('anonymous', {
    call: async (ctx) => ({
      path: '/api/network/cluster',
      body: { ...(await networkBody(ctx)), algorithm: 'leiden', min_cluster_size: 1 },
    }),
    reads: (b) =>
      has(
        b,
        'nodes',
        'edges',
        'clusters',
        'num_clusters',
        'modularity',
        'algorithm',
        ...CYTOSCAPE_READS,
        'cytoscape_json.elements.0.data.cluster_id',
        'cytoscape_json.elements.0.data.color',
      ),
  }),
  'POST /api/network/enrich/hpo': served('anonymous', {
    call: async (ctx) => ({
      path: '/api/network/enrich/hpo',
      body: {
        cluster_genes: (await networkBody(ctx)).gene_ids,
        background_genes: null,
        fdr_threshold: 1,
      },
    }),
    reads: (b) => has(b, 'total_terms', ...ENRICHMENT_READS),
  }),
  'POST /api/network/enrich/go': served('anonymous', {
    call: async (ctx) => ({
      path: '/api/network/enrich/go',
      body: {
        cluster_genes: (await networkBody(ctx)).gene_ids,
        gene_set: 'GO_Biological_Process_2023',
        fdr_threshold: 1,
        timeout_seconds: 120,
      },
    }),
    reads: (b) => has(b, 'total_terms', 'gene_set', ...ENRICHMENT_READS),
  }),
  'POST /api/network/subgraph': served('anonymous', {
    call: async (ctx) => {
      const { gene_ids, min_string_score } = await networkBody(ctx);
      return {
        path: '/api/network/subgraph',
        body: { seed_gene_ids: [ctx.gene.id], gene_ids, min_string_score, k: 2 },
      };
    },
    reads: (b) => has(b, 'nodes', 'edges', 'components', ...CYTOSCAPE_READS),
  }),
  'GET /api/releases/': served('anonymous', {
    call: async (ctx) => {
      await ctx.release('published');
      return { path: '/api/releases/?status=published' };
    },
    reads: (b) =>
      has(
        b,
        'data.0.id',
        'data.0.version',
        'data.0.status',
        'data.0.gene_count',
        'data.0.published_at',
        'data.0.release_notes',
        'data.0.doi',
        'data.0.export_checksum',
        'data.0.citation_text',
        'data.0.created_at',
        'meta.total',
      ),
  }),
  'POST /api/releases/': served('admin', {
    call: (ctx) => ({
      path: `/api/releases/?version=${ctx.freshVersion()}&release_notes=From%20the%20admin%20page`,
    }),
    reads: (b) => has(b, 'id', 'version', 'status', 'release_notes'),
  }),
  'GET /api/releases/{version}': served('anonymous', {
    call: async (ctx) => ({ path: `/api/releases/${(await ctx.release('published')).version}` }),
    reads: (b) => has(b, 'version', 'status', 'gene_count', 'export_checksum', 'citation_text'),
  }),
  'GET /api/releases/{version}/genes': served('anonymous', {
    call: async (ctx) => ({
      path: `/api/releases/${(await ctx.release('published')).version}/genes?limit=10&offset=0`,
    }),
    reads: (b) =>
      has(b, 'data.version', 'data.total', 'data.genes.0.approved_symbol', 'meta.total'),
  }),
  'GET /api/releases/{version}/export': served('anonymous', {
    call: async (ctx) => ({
      path: `/api/releases/${(await ctx.release('published')).version}/export`,
    }),
    reads: (b, h) => [
      ...(/^[0-9a-f]{64}$/.test(h['x-checksum-sha256'] ?? '') ? [] : ['X-Checksum-SHA256']),
      ...has(b, 'version', 'gene_count', 'genes.0.approved_symbol'),
    ],
  }),
  'PATCH /api/releases/{release_id}': served('admin', {
    call: async (ctx) => ({
      path: `/api/releases/${(await ctx.release('draft')).id}`,
      body: { version: ctx.freshVersion(), release_notes: 'Edited' },
    }),
    reads: (b) => has(b, 'id', 'version', 'release_notes'),
  }),
  'DELETE /api/releases/{release_id}': served('admin', {
    call: async (ctx) => ({ path: `/api/releases/${(await ctx.release('draft')).id}` }),
  }),
  'POST /api/releases/{release_id}/publish': served('admin', {
    call: async (ctx) => ({ path: `/api/releases/${(await ctx.release('draft')).id}/publish` }),
    reads: (b) => has(b, 'id', 'version', 'status', 'gene_count', 'export_checksum'),
  }),
  'GET /api/admin/backups': served('admin', {
    call: async (ctx) => {
      await ctx.backup();
      return { path: '/api/admin/backups?limit=25&offset=0&status=completed' };
    },
    reads: (b) =>
      has(
        b,
        'total',
        ...[
          'id',
          'filename',
          'file_size_mb',
          'status',
          'created_at',
          'completed_at',
          'duration_seconds',
          'description',
          'trigger_source',
          'checksum_sha256',
          'compression_level',
          'include_logs',
          'include_cache',
          'parallel_jobs',
        ].map((f) => `backups.0.${f}`),
      ),
  }),
  'GET /api/admin/backups/stats': served('admin', {
    reads: (b) =>
      has(
        b,
        'total_backups',
        'completed_backups',
        'latest_backup_date',
        'total_size_gb',
        'retention_days',
        'backup_directory',
      ),
  }),
  'GET /api/admin/backups/{backup_id}': served('admin', {
    call: async (ctx) => ({ path: `/api/admin/backups/${await ctx.backup()}` }),
    reads: (b) => has(b, 'id', 'filename', 'status', 'checksum_sha256'),
  }),
  'GET /api/admin/backups/{backup_id}/download': served('admin', {
    call: async (ctx) => ({ path: `/api/admin/backups/${await ctx.backup()}/download` }),
    reads: (_b, headers) =>
      headers['content-length'] && headers['x-checksum-sha256'] ? [] : ['the file'],
  }),
  'POST /api/admin/backups/create': served('admin', {
    call: () => ({
      path: '/api/admin/backups/create',
      body: {
        description: '',
        include_logs: false,
        include_cache: false,
        compression_level: 6,
        parallel_jobs: 2,
      },
    }),
  }),
  'POST /api/admin/backups/restore/{backup_id}': served('admin', {
    call: async (ctx) => ({
      path: `/api/admin/backups/restore/${await ctx.backup()}`,
      body: { create_safety_backup: true, run_analyze: true },
    }),
    // While the restore runs every call answers 503: the next ones wait for its end.
    settle: (ctx) => ctx.restoresDone(),
  }),
  'POST /api/admin/backups/cleanup': served('admin', {
    reads: (b) => has(b, 'deleted_count'),
  }),
  'DELETE /api/admin/backups/{backup_id}': served('admin', {
    call: async (ctx) => ({ path: `/api/admin/backups/${await ctx.backup()}` }),
    reads: (b) => has(b, 'message'),
  }),

  // Progress (§10)
  'GET /api/progress/status': served('curator', {
    reads: (b) =>
      has(
        b,
        'data.0.source_name',
        'data.0.status',
        'data.0.category',
        'data.0.progress_percentage',
        'data.0.items_processed',
        'data.0.items_added',
        'data.0.items_updated',
        'data.0.items_failed',
        'data.0.current_operation',
        'data.0.last_error',
        'data.0.started_at',
        'data.0.completed_at',
        'data.0.estimated_completion',
      ),
  }),
  'GET /api/progress/status/{source_name}': served('curator', {
    call: () => ({ path: '/api/progress/status/PanelApp' }),
    reads: (b) => has(b, 'data.source_name', 'data.status', 'data.category'),
  }),
  'GET /api/progress/dashboard': served('curator', {
    reads: (b) =>
      has(
        b,
        'data.summary.running',
        'data.summary.total_sources',
        'data.summary.completed',
        'data.summary.failed',
        'data.summary.total_items_processed',
      ),
  }),
  'POST /api/progress/trigger/{source_name}': served('admin', {
    call: async (ctx) => {
      await pipelineIdle(ctx);
      return { path: '/api/progress/trigger/ClinGen' };
    },
  }),
  // Nothing runs in the replay: "pause all" pauses idle tiles too.
  'POST /api/progress/pause/{source_name}': served('admin', {
    call: () => ({ path: '/api/progress/pause/PanelApp' }),
    status: 200,
  }),
  // A run paused before it started, as a pause of a queued run leaves it.
  'POST /api/progress/resume/{source_name}': served('admin', {
    call: async (ctx) => {
      await pipelineIdle(ctx);
      const id = (
        await ctx.db.one<{ id: string }>(
          `INSERT INTO pipeline_runs (id, kind, status, sources)
           VALUES (gen_random_uuid(), 'source', 'paused', ARRAY['ClinGen']) RETURNING id`,
        )
      ).id;
      await ctx.db.exec(
        `INSERT INTO pipeline_run_sources (run_id, source, kind, status) VALUES ($1, 'ClinGen', 'evidence', 'paused')`,
        [id],
      );
      await ctx.db.exec(`INSERT INTO pipeline_locks (source, run_id) VALUES ('ClinGen', $1)`, [id]);
      return { path: '/api/progress/resume/ClinGen' };
    },
  }),

  // Statistics (§13)
  'GET /api/statistics/source-overlaps': served('anonymous', {
    call: () => ({ path: '/api/statistics/source-overlaps?filter[hide_zero_scores]=true' }),
    reads: (b) =>
      has(
        b,
        'data.sets.0.name',
        'data.sets.0.size',
        'data.intersections',
        'data.total_unique_genes',
      ),
  }),
  'GET /api/statistics/source-distributions': served('anonymous', {
    call: () => ({ path: '/api/statistics/source-distributions?filter[hide_zero_scores]=true' }),
    reads: (b) => {
      const first = Object.values((b as { data?: Record<string, unknown> }).data ?? {})[0];
      return first === undefined ? ['data.<source>'] : has(first, 'distribution', 'metadata');
    },
  }),
  'GET /api/statistics/evidence-composition': served('anonymous', {
    call: () => ({ path: '/api/statistics/evidence-composition?filter[hide_zero_scores]=true' }),
    reads: (b) =>
      has(
        b,
        'data.evidence_tier_distribution.0.tier_label',
        'data.evidence_tier_distribution.0.gene_count',
        'data.source_contribution_weights',
        'data.source_coverage_distribution',
      ),
  }),
  'GET /api/statistics/summary': served('anonymous', {
    reads: (b) =>
      has(b, 'data.overview', 'data.quality', 'data.coverage', 'data.pairwise_overlaps'),
  }),

  // Client logs (§14)
  'POST /api/client-logs': served('anonymous', {
    call: () => ({
      path: '/api/client-logs',
      body: { level: 'error', message: 'TypeError in GeneTable', url: 'https://x/genes' },
    }),
  }),

  // Admin logs (§15), settings (§16), cache (§17)
  'GET /api/admin/logs/': served('admin', {
    call: () => ({
      path: `/api/admin/logs/?limit=25&offset=0&level=INFO&source=http&start_time=${new Date(Date.now() - 86_400_000).toISOString()}&end_time=${new Date().toISOString()}&sort_by=timestamp&sort_order=desc`,
    }),
    reads: (b) => has(b, 'logs', 'pagination.total'),
  }),
  'GET /api/admin/logs/statistics': served('admin', {
    call: () => ({ path: '/api/admin/logs/statistics?hours=24' }),
    reads: (b) => has(b, 'storage.total_rows', 'storage.table_size', 'level_distribution'),
  }),
  'DELETE /api/admin/logs/cleanup': served('admin', {
    call: () => ({ path: '/api/admin/logs/cleanup?days=30' }),
    reads: (b) => has(b, 'logs_deleted'),
  }),
  'GET /api/admin/settings/': served('admin', {
    call: () => ({ path: '/api/admin/settings/?category=cache&limit=500&offset=0' }),
    reads: (b) =>
      has(
        b,
        'settings.0.id',
        'settings.0.key',
        'settings.0.value',
        'settings.0.value_type',
        'settings.0.category',
        'settings.0.requires_restart',
        'settings.0.is_sensitive',
        'settings.0.is_readonly',
      ),
  }),
  'GET /api/admin/settings/categories': served('admin', {
    reads: (b) => has(b, 'categories.0.name'),
  }),
  'GET /api/admin/settings/stats': served('admin', {
    reads: (b) => has(b, 'total', 'requires_restart', 'recent_changes_24h'),
  }),
  'GET /api/admin/settings/audit/all': served('admin', {
    reads: (b) => has(b, 'history', 'total'),
  }),
  'PUT /api/admin/settings/{setting_id}': served('admin', {
    call: async (ctx) => {
      const setting = await ctx.editableSetting();
      return {
        path: `/api/admin/settings/${setting.id}`,
        body: { value: setting.value, change_reason: null },
      };
    },
    reads: (b) => has(b, 'setting.requires_restart'),
  }),
  'GET /api/admin/settings/{setting_id}/history': served('admin', {
    call: async (ctx) => ({
      path: `/api/admin/settings/${(await ctx.editableSetting()).id}/history?limit=50`,
    }),
    reads: (b) => has(b, 'history'),
  }),
  'GET /api/admin/cache/stats': served('admin', {
    reads: (b) => has(b, 'hit_rate', 'total_entries', 'total_size_bytes', 'db_entries'),
  }),
  'GET /api/admin/cache/health': served('admin', {
    reads: (b) =>
      has(b, 'status', 'cache_enabled', 'memory_cache_size', 'database_connected', 'namespaces'),
  }),
  'GET /api/admin/cache/stats/{namespace}': served('admin', {
    call: () => ({ path: '/api/admin/cache/stats/genes' }),
    reads: (b) =>
      has(
        b,
        'total_entries',
        'total_size_bytes',
        'oldest_entry',
        'newest_entry',
        'active_entries',
        'expired_entries',
      ),
  }),
  'GET /api/admin/cache/keys/{namespace}': served('admin', {
    call: () => ({ path: '/api/admin/cache/keys/genes?page=1&page_size=20' }),
    reads: (b) => has(b, 'keys', 'total_keys'),
  }),
  'GET /api/admin/cache/config': served('admin'),
  'GET /api/admin/cache/database/pool-health': served('admin'),
  'GET /api/admin/cache/metrics/prometheus': served('admin'),
  'GET /api/admin/cache/monitoring/dashboard': served('admin'),
  'GET /api/admin/cache/monitoring/health': served('admin'),
  'GET /api/admin/cache/monitoring/performance': served('admin'),
  'POST /api/admin/cache/monitoring/clear-all': served('admin'),
  'POST /api/admin/cache/monitoring/warm-all': served('admin'),
  'POST /api/admin/cache/cleanup': served('admin'),
  'POST /api/admin/cache/warm': served('admin', {
    call: () => ({ path: '/api/admin/cache/warm', body: {} }),
  }),
  'DELETE /api/admin/cache/{namespace}': served('admin', {
    call: () => ({ path: '/api/admin/cache/statistics' }),
  }),
  'DELETE /api/admin/cache/{namespace}/{key}': served('admin', {
    call: async (ctx) => ({
      path: `/api/admin/cache/genes/${encodeURIComponent(await ctx.cachedKey('genes'))}`,
    }),
  }),

  // Shadow tests: not ported
  'GET /api/admin/shadow-tests/results': SHADOW,
  'POST /api/admin/shadow-tests/run-batch': SHADOW,
  'POST /api/admin/shadow-tests/run-single': SHADOW,
  'POST /api/admin/shadow-tests/validate-migration': SHADOW,
};

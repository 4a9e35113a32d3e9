/**
 * Sources whose evidence accumulates: a new record for a gene is merged into the stored
 * one instead of replacing it (PubTator publications across runs, panels across
 * uploaded providers, publications across uploads). Each can also take one identifier
 * (a provider, a publication) back out. Other sources replace their row on every run.
 */
export interface EvidenceMerger {
  merge(
    stored: Record<string, unknown>,
    incoming: Record<string, unknown>,
  ): Record<string, unknown>;
  /** The data without `identifier`, or null when nothing is left (the row goes). */
  remove?(stored: Record<string, unknown>, identifier: string): Record<string, unknown> | null;
  /** The identifiers a row holds (what `remove` takes). */
  identifiers?(stored: Record<string, unknown>): string[];
  detail(data: Record<string, unknown>): string;
}

type Json = Record<string, unknown>;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function union(...lists: unknown[]): string[] {
  return [...new Set(lists.flatMap(strings))].sort();
}

function record(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export interface PubTatorMention {
  pmid: string;
  title: string | null;
  journal: string | null;
  date: string | null;
  score: number | null;
  text: string | null;
}

const TOP_MENTIONS = 20;

/** PubTator: PMIDs are a set across runs; mentions keep the best score per PMID. */
export function pubtatorData(
  pmids: Iterable<string>,
  mentions: PubTatorMention[],
  identifiers: Iterable<string>,
  query: string | null,
): Json {
  const byPmid = new Map<string, PubTatorMention>();
  for (const m of mentions) {
    const prior = byPmid.get(m.pmid);
    if (!prior || (m.score ?? 0) > (prior.score ?? 0)) {
      byPmid.set(m.pmid, m);
    }
  }
  const ranked = [...byPmid.values()].sort(
    (a, b) => (b.score ?? 0) - (a.score ?? 0) || a.pmid.localeCompare(b.pmid),
  );
  const pmidList = union([...pmids]);
  const scored = ranked.filter((m) => m.score !== null);
  return {
    pmids: pmidList,
    publication_count: pmidList.length,
    identifiers: union([...identifiers]),
    mentions: ranked.slice(0, TOP_MENTIONS),
    top_mentions: ranked.slice(0, 5),
    // Publications with a mention (the original's `total_mentions`); `mentions` keeps the top ones.
    total_mentions: byPmid.size,
    // The mean relevance score of the scored mentions; absent (not null) without one, as
    // the original's evidence card formats any value it finds.
    ...(scored.length > 0
      ? {
          evidence_score:
            Math.round((scored.reduce((s, m) => s + (m.score ?? 0), 0) / scored.length) * 1000) /
            1000,
        }
      : {}),
    search_query: query,
  };
}

const pubtator: EvidenceMerger = {
  merge(stored, incoming) {
    const mentions = [
      ...((stored.mentions as PubTatorMention[] | undefined) ?? []),
      ...((incoming.mentions as PubTatorMention[] | undefined) ?? []),
    ];
    return pubtatorData(
      union(stored.pmids, incoming.pmids),
      mentions,
      union(stored.identifiers, incoming.identifiers),
      (incoming.search_query as string | null | undefined) ??
        (stored.search_query as string | null) ??
        null,
    );
  },
  detail: (data) => `PubTator: ${strings(data.pmids).length} publications`,
};

/** DiagnosticPanels: panels are kept per provider, so a provider can be taken out whole. */
export function diagnosticPanelsData(
  byProvider: Record<string, string[]>,
  hgncIds: string[],
): Json {
  const providers = Object.keys(byProvider).sort();
  const normalized: Record<string, string[]> = {};
  for (const p of providers) {
    normalized[p] = union(byProvider[p]);
  }
  const pairs = providers.flatMap((p) => normalized[p].map((panel) => `${p}: ${panel}`));
  return {
    providers,
    provider_count: providers.length,
    panels: union(...providers.map((p) => normalized[p])),
    panels_by_provider: normalized,
    // Counted per provider: two laboratories' "Kidney panel" are two panels.
    panel_count: pairs.length,
    hgnc_ids: union(hgncIds),
  };
}

const diagnosticPanels: EvidenceMerger = {
  merge(stored, incoming) {
    const byProvider: Record<string, string[]> = {};
    for (const source of [stored, incoming]) {
      for (const [provider, panels] of Object.entries(record(source.panels_by_provider))) {
        byProvider[provider] = union(byProvider[provider], panels);
      }
    }
    return diagnosticPanelsData(byProvider, union(stored.hgnc_ids, incoming.hgnc_ids));
  },
  remove(stored, identifier) {
    const byProvider = { ...(record(stored.panels_by_provider) as Record<string, string[]>) };
    delete byProvider[identifier];
    if (Object.keys(byProvider).length === 0) {
      return null;
    }
    return diagnosticPanelsData(byProvider, strings(stored.hgnc_ids));
  },
  identifiers: (stored) => Object.keys(record(stored.panels_by_provider)),
  detail(data) {
    const providers = strings(data.providers);
    const shown = providers.slice(0, 3).join(', ');
    const more = providers.length > 3 ? ` (+${providers.length - 3} more)` : '';
    return `DiagnosticPanels: ${Number(data.panel_count ?? 0)} panels from ${shown}${more}`;
  },
};

/** Literature: one entry per publication, with its details. */
export function literatureData(details: Record<string, Json>, hgncIds: string[]): Json {
  const publications = Object.keys(details).sort();
  return {
    publications,
    publication_count: publications.length,
    publication_details: Object.fromEntries(publications.map((p) => [p, details[p]])),
    hgnc_ids: union(hgncIds),
  };
}

const literature: EvidenceMerger = {
  merge: (stored, incoming) =>
    literatureData(
      { ...record(stored.publication_details), ...record(incoming.publication_details) } as Record<
        string,
        Json
      >,
      union(stored.hgnc_ids, incoming.hgnc_ids),
    ),
  remove(stored, identifier) {
    const details = { ...(record(stored.publication_details) as Record<string, Json>) };
    delete details[identifier];
    if (Object.keys(details).length === 0) {
      return null;
    }
    return literatureData(details, strings(stored.hgnc_ids));
  },
  identifiers: (stored) => Object.keys(record(stored.publication_details)),
  detail: (data) => `Literature: ${Number(data.publication_count ?? 0)} publication(s)`,
};

export const EVIDENCE_MERGERS: Readonly<Record<string, EvidenceMerger>> = {
  PubTator: pubtator,
  DiagnosticPanels: diagnosticPanels,
  Literature: literature,
};

/**
 * The original kidney-genetics-db's progress item (`source_name`, `status`, `category` and
 * counters), derived from our per-source state. The original Pipeline page, the
 * Annotations page and the admin dashboard merge and filter tiles by these fields; our
 * own fields stay beside them (docs/api.md, "Compatibility with the original clients").
 */

/** The original's five tile states. */
export type LegacyStatus = 'idle' | 'running' | 'completed' | 'failed' | 'paused';

/** What the original grouped tiles by; the admin dashboard triggers every `data_source`. */
export type LegacyCategory = 'data_source' | 'hybrid_source' | 'internal_process' | 'other';

/** A source's latest source run, as `PipelineService.sourceStatus` lists it. */
export interface LastSourceRun {
  status: string;
  phase: string | null;
  processed: number;
  total: number | null;
  added: number;
  updated: number;
  failed: number;
  error: string | null;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

export interface SourceState {
  source: string;
  kind: 'evidence' | 'annotation';
  active_run_status: string | null;
  last: LastSourceRun | null;
}

/** The item without anything a public reader must not see (error texts). */
export interface LegacyProgressCounters {
  source_name: string;
  status: LegacyStatus;
  category: LegacyCategory;
  progress_percentage: number;
  items_processed: number;
  items_added: number;
  items_updated: number;
  items_failed: number;
  current_operation: string | null;
  started_at: string | null;
  completed_at: string | null;
  estimated_completion: null;
}

export interface LegacyProgressItem extends LegacyProgressCounters {
  last_error: string | null;
  display_name?: string;
  description?: string;
}

/** The tile state: an active run's state first, else how the latest source run ended. */
export function legacyStatus(state: SourceState): LegacyStatus {
  switch (state.active_run_status) {
    case null:
      break;
    case 'paused':
      return 'paused';
    default:
      // queued, running and cancelling are all work in flight for the original's tile.
      return 'running';
  }
  switch (state.last?.status) {
    case 'completed':
    case 'completed_with_errors':
      return 'completed';
    case 'failed':
      return 'failed';
    default:
      // never run, or cancelled: the original's tile is idle (ready to trigger again).
      return 'idle';
  }
}

function iso(value: Date | string | null): string | null {
  if (value === null) {
    return null;
  }
  return value instanceof Date ? value.toISOString() : value;
}

function percentage(status: LegacyStatus, last: LastSourceRun | null): number {
  if (status === 'completed') {
    return 100;
  }
  if (!last?.total) {
    return 0;
  }
  return Math.min(100, Math.round((last.processed / last.total) * 1000) / 10);
}

/** The counters and state of one source, safe for the public legacy stream. */
export function legacyCounters(state: SourceState): LegacyProgressCounters {
  const status = legacyStatus(state);
  const last = state.last;
  return {
    source_name: state.source,
    status,
    category: state.kind === 'evidence' ? 'data_source' : 'internal_process',
    progress_percentage: percentage(status, last),
    items_processed: last?.processed ?? 0,
    items_added: last?.added ?? 0,
    items_updated: last?.updated ?? 0,
    items_failed: last?.failed ?? 0,
    current_operation: status === 'running' || status === 'paused' ? (last?.phase ?? null) : null,
    started_at: iso(last?.started_at ?? null),
    completed_at: iso(last?.finished_at ?? null),
    // We do not estimate an end time per source; the original's field was often null too.
    estimated_completion: null,
  };
}

/** The full item for the curator REST routes (adds the last error and a display name). */
export function legacyItem(state: SourceState): LegacyProgressItem {
  const counters = legacyCounters(state);
  return {
    ...counters,
    last_error: counters.status === 'failed' ? (state.last?.error ?? null) : null,
    ...(counters.category === 'internal_process'
      ? {
          display_name: `Annotation: ${state.source}`,
          description: `Annotates genes from ${state.source}`,
        }
      : {}),
  };
}

/** The original dashboard card's `summary`. */
export function legacySummary(items: LegacyProgressCounters[]) {
  const count = (status: LegacyStatus) => items.filter((i) => i.status === status).length;
  const sum = (key: 'items_processed' | 'items_added' | 'items_updated' | 'items_failed') =>
    items.reduce((total, i) => total + i[key], 0);
  return {
    total_sources: items.length,
    running: count('running'),
    completed: count('completed'),
    failed: count('failed'),
    paused: count('paused'),
    idle: count('idle'),
    total_items_processed: sum('items_processed'),
    total_items_added: sum('items_added'),
    total_items_updated: sum('items_updated'),
    total_items_failed: sum('items_failed'),
  };
}

/** Only the public counters of an item: an allowlist, so a field added later stays private. */
export function publicCounters(item: LegacyProgressCounters): LegacyProgressCounters {
  return {
    source_name: item.source_name,
    status: item.status,
    category: item.category,
    progress_percentage: item.progress_percentage,
    items_processed: item.items_processed,
    items_added: item.items_added,
    items_updated: item.items_updated,
    items_failed: item.items_failed,
    current_operation: item.current_operation,
    started_at: item.started_at,
    completed_at: item.completed_at,
    estimated_completion: item.estimated_completion,
  };
}

import {
  legacyCounters,
  legacyItem,
  legacyStatus,
  legacySummary,
  type SourceState,
} from './legacy-progress.js';

const last = (over: Partial<NonNullable<SourceState['last']>> = {}) => ({
  status: 'running',
  phase: 'fetching',
  processed: 25,
  total: 200,
  added: 3,
  updated: 2,
  failed: 1,
  error: null,
  started_at: new Date('2026-01-02T03:04:05.000Z'),
  finished_at: null,
  ...over,
});

const state = (over: Partial<SourceState> = {}): SourceState => ({
  source: 'PanelApp',
  kind: 'evidence',
  active_run_status: null,
  last: null,
  ...over,
});

describe('legacy progress items (the original clients’ tiles)', () => {
  it.each([
    [null, null, 'idle'],
    [null, 'cancelled', 'idle'],
    [null, 'completed', 'completed'],
    [null, 'completed_with_errors', 'completed'],
    [null, 'failed', 'failed'],
    ['queued', 'pending', 'running'],
    ['running', 'running', 'running'],
    ['cancelling', 'running', 'running'],
    ['paused', 'paused', 'paused'],
  ])('active run %s, last source run %s → %s', (active, lastStatus, expected) => {
    const s = state({
      active_run_status: active,
      last: lastStatus ? last({ status: lastStatus }) : null,
    });
    expect(legacyStatus(s)).toBe(expected);
  });

  it('carries the counters, the phase as the current operation and a percentage', () => {
    const item = legacyCounters(state({ active_run_status: 'running', last: last() }));
    expect(item).toEqual({
      source_name: 'PanelApp',
      status: 'running',
      category: 'data_source',
      progress_percentage: 12.5,
      items_processed: 25,
      items_added: 3,
      items_updated: 2,
      items_failed: 1,
      current_operation: 'fetching',
      started_at: '2026-01-02T03:04:05.000Z',
      completed_at: null,
      estimated_completion: null,
    });
  });

  it('shows the error only of a failed source, and names annotation sources', () => {
    const failed = legacyItem(
      state({
        kind: 'annotation',
        source: 'gnomad',
        last: last({ status: 'failed', error: 'boom' }),
      }),
    );
    expect(failed).toMatchObject({
      category: 'internal_process',
      status: 'failed',
      last_error: 'boom',
      current_operation: null,
      display_name: 'Annotation: gnomad',
    });
    const done = legacyItem(state({ last: last({ status: 'completed', error: 'old' }) }));
    expect(done).toMatchObject({ last_error: null, progress_percentage: 100 });
    expect(done).not.toHaveProperty('display_name');
  });

  it('sums the dashboard summary', () => {
    const items = [
      legacyCounters(state({ active_run_status: 'running', last: last() })),
      legacyCounters(state({ source: 'HPO', last: last({ status: 'failed', processed: 5 }) })),
      legacyCounters(state({ source: 'GenCC' })),
    ];
    expect(legacySummary(items)).toEqual({
      total_sources: 3,
      running: 1,
      completed: 0,
      failed: 1,
      paused: 0,
      idle: 1,
      total_items_processed: 30,
      total_items_added: 6,
      total_items_updated: 4,
      total_items_failed: 2,
    });
  });
});

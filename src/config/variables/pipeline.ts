import { bool, group, int, text } from '../declare.js';

export const pipelineVariables = group({
  title: 'Pipeline runs',
  doc: "A worker's hold on a run lapses after PIPELINE_LEASE_SECONDS without a heartbeat and another instance (or the restarted one) resumes it; a run taken up more than PIPELINE_MAX_ATTEMPTS times fails. Each schedule fires once across all instances.",
  variables: {
    PIPELINE_LEASE_SECONDS: int({
      default: 30,
      min: 2,
      max: 600,
      doc: "a worker's hold on a pipeline run; after a crash the run is resumed once it lapses",
    }),
    PIPELINE_MAX_ATTEMPTS: int({
      default: 5,
      min: 1,
      max: 100,
      doc: 'times a run is taken up again after its worker died before it is marked failed',
    }),
    PIPELINE_SCHEDULES: text({
      default: '',
      valid:
        /^(\s*[A-Za-z][A-Za-z0-9_]*\s*=\s*[^=;]+)?(;\s*[A-Za-z][A-Za-z0-9_]*\s*=\s*[^=;]+)*;?\s*$/,
      format: 'must look like Source=cron;Source=cron',
      doc: 'cron per source (UTC), e.g. `PubTator=0 3 * * 1;ClinGen=0 4 * * *`; fires once across instances',
    }),
    LEGACY_PROGRESS_WS: bool({
      default: true,
      doc: "serve the original frontend's anonymous progress socket at /ws/progress/ws: read-only, per source only its state, counters and percentage (no error texts, URLs or users); false closes it at once",
    }),
  },
});

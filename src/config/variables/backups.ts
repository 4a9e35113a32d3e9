import { group, int, oneOf, text } from '../declare.js';

export const backupVariables = group({
  title: 'Backups',
  doc: "Admin backups of the database (docs/decisions/0006-backups.md). `auto` uses pg_dump/pg_restore when their major version equals the server's, else the in-process logical backup (the embedded server ships no client tools). A scheduled backup fires once across instances.",
  variables: {
    BACKUP_DIR: text({
      default: '.data/backups',
      minLength: 1,
      doc: 'folder backup files are written to (relative to the working directory); created if missing',
    }),
    BACKUP_RETENTION_DAYS: int({
      default: 7,
      min: 1,
      max: 3650,
      doc: 'a backup expires this many days after it was made; cleanup deletes expired ones',
    }),
    BACKUP_SCHEDULE: text({
      default: '',
      valid: /^(\s*|(\S+\s+){4}\S+\s*)$/,
      format: 'must be a five-field cron expression (UTC), or empty',
      doc: 'cron (UTC) of scheduled backups, e.g. `0 2 * * *`; empty: none',
    }),
    BACKUP_METHOD: oneOf(['auto', 'pg_dump', 'logical'], {
      default: 'auto',
      doc: '`pg_dump` (needs a matching pg_dump), `logical` (in-process COPY archive) or `auto`',
    }),
    PG_DUMP_PATH: text({ default: 'pg_dump', minLength: 1, doc: 'pg_dump executable' }),
    PG_RESTORE_PATH: text({ default: 'pg_restore', minLength: 1, doc: 'pg_restore executable' }),
    BACKUP_TIMEOUT_MINUTES: int({
      default: 60,
      min: 1,
      max: 1440,
      doc: 'a backup or restore running longer is stopped and marked failed',
    }),
  },
});

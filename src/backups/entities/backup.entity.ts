import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One backup file and what made it. The catalogue is kept out of every backup and every
 * restore (ADR 0006): it describes the files on disk now, whatever the data go back to.
 */
@Entity('backups')
@Index(['createdAt'])
export class BackupEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'text', unique: true })
  filename: string;

  /** pending | running | completed | failed */
  @Column({ type: 'text' })
  status: string;

  /** manual_api | scheduled_cron | pre_restore_safety */
  @Column({ type: 'text' })
  triggerSource: string;

  /** pg_dump | logical; set when the job starts. */
  @Column({ type: 'text', nullable: true })
  method: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: false })
  includeLogs: boolean;

  @Column({ type: 'boolean', default: false })
  includeCache: boolean;

  @Column({ type: 'integer' })
  compressionLevel: number;

  @Column({ type: 'integer' })
  parallelJobs: number;

  /** 0–100 while running. */
  @Column({ type: 'integer', default: 0 })
  progress: number;

  @Column({ type: 'bigint', nullable: true })
  fileSize: string | null;

  @Column({ type: 'text', nullable: true })
  checksumSha256: string | null;

  @Column({ type: 'text', nullable: true })
  errorMessage: string | null;

  /** The last applied migration when the backup was made. */
  @Column({ type: 'text', nullable: true })
  schemaVersion: string | null;

  @Column({ type: 'text', nullable: true })
  serverVersion: string | null;

  @Column({ type: 'bigint', nullable: true })
  databaseSize: string | null;

  @Column({ type: 'integer', nullable: true })
  tablesCount: number | null;

  @Column({ type: 'text', nullable: true })
  createdBy: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'double precision', nullable: true })
  durationSeconds: number | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastRestoredAt: Date | null;
}

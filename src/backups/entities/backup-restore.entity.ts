import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One restore of a backup. While a row is `running` every instance is in maintenance
 * (ADR 0006): requests that would touch the data answer 503.
 */
@Entity('backup_restores')
export class BackupRestoreEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  backupId: number;

  /** pending | running | completed | failed */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'boolean' })
  createSafetyBackup: boolean;

  @Column({ type: 'boolean' })
  runAnalyze: boolean;

  @Column({ type: 'integer', nullable: true })
  safetyBackupId: number | null;

  @Column({ type: 'text', nullable: true })
  method: string | null;

  @Column({ type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ type: 'text', nullable: true })
  requestedBy: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'double precision', nullable: true })
  durationSeconds: number | null;
}

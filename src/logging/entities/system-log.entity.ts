import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One persisted log record; request columns are filled for request lines.
 *
 * Level filters are indexed only for levels other than `info`: info is nearly every row
 * (a line per request), so a listing that includes it walks the timestamp index anyway,
 * and leaving it out of the level index spares each request line one index insert.
 */
@Entity('system_logs')
@Index('ix_system_logs_timestamp', ['timestamp'])
@Index('ix_system_logs_level_timestamp_not_info', ['level', 'timestamp'], {
  where: `"level" <> 'info'`,
})
@Index('ix_system_logs_request_id', ['requestId'])
export class SystemLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz' })
  timestamp: Date;

  @Column({ type: 'text' })
  level: string;

  @Column({ type: 'text', nullable: true })
  logger: string | null;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'text', nullable: true })
  requestId: string | null;

  @Column({ type: 'integer', nullable: true })
  userId: number | null;

  @Column({ type: 'text', nullable: true })
  runId: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ type: 'text', nullable: true })
  method: string | null;

  @Column({ type: 'text', nullable: true })
  path: string | null;

  @Column({ type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'double precision', nullable: true })
  durationMs: number | null;

  @Column({ type: 'text', nullable: true })
  errorType: string | null;

  @Column({ type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ type: 'text', nullable: true })
  stack: string | null;

  /** Every other field of the record, already redacted. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  context: Record<string, unknown>;
}

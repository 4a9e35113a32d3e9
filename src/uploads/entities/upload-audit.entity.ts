import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who changed an upload source, how, and what it did. */
@Entity('upload_audit')
@Index('ix_upload_audit_source_time', ['sourceName', 'performedAt'])
export class UploadAuditEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'text' })
  sourceName: string;

  /** upload | delete_identifier | delete_upload */
  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text', nullable: true })
  identifier: string | null;

  @Column({ type: 'integer', nullable: true })
  uploadId: number | null;

  @Column({ type: 'integer', nullable: true })
  userId: number | null;

  @Column({ type: 'text', nullable: true })
  username: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  performedAt: Date;
}

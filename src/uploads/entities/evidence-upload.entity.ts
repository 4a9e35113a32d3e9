import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One uploaded file of an upload source (diagnostic panels, literature). Written in the
 * same transaction as its evidence, so an upload is either wholly there or not at all.
 */
@Entity('evidence_uploads')
@Index('ix_evidence_uploads_source_identifier', ['sourceName', 'identifier'])
export class EvidenceUploadEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'text' })
  sourceName: string;

  /** The provider (DiagnosticPanels) or publication (Literature) the file is about. */
  @Column({ type: 'text' })
  identifier: string;

  @Column({ type: 'text' })
  fileName: string;

  @Column({ type: 'text', nullable: true })
  contentType: string | null;

  @Column({ type: 'text' })
  format: string;

  @Column({ type: 'integer' })
  fileSize: number;

  /** SHA-256 of the file's bytes. */
  @Index('ix_evidence_uploads_file_hash')
  @Column({ type: 'text' })
  fileHash: string;

  @Column({ type: 'text' })
  mode: string;

  /** completed | deleted */
  @Column({ type: 'text', default: 'completed' })
  status: string;

  @Column({ type: 'integer' })
  rows: number;

  @Column({ type: 'integer' })
  geneCount: number;

  @Column({ type: 'integer' })
  genesStored: number;

  @Column({ type: 'integer' })
  genesStaged: number;

  @Column({ type: 'integer' })
  failed: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  failures: unknown[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  /**
   * The normalized gene records the file contributed, so withdrawing one upload can
   * rebuild its identifier's evidence from the uploads that remain.
   */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  records: unknown[];

  @Column({ type: 'integer', nullable: true })
  uploadedBy: number | null;

  @Column({ type: 'text', nullable: true })
  uploadedByName: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  uploadedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}

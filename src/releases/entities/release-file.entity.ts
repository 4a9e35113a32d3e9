import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { ReleaseEntity } from './release.entity.js';

/** One export of a published release; its bytes are in release_file_chunks. */
@Entity('release_files')
export class ReleaseFileEntity {
  @PrimaryColumn({ type: 'integer' })
  releaseId: number;

  @ManyToOne(() => ReleaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'fk_release_files_release' })
  release?: ReleaseEntity;

  /** json, csv, tsv or manifest. */
  @PrimaryColumn({ type: 'text' })
  format: string;

  @Column({ type: 'text' })
  fileName: string;

  @Column({ type: 'text' })
  contentType: string;

  @Column({ type: 'bigint' })
  size: string;

  @Column({ type: 'character', length: 64 })
  sha256: string;

  @Column({ type: 'integer' })
  chunkCount: number;
}

import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { ReleaseFileEntity } from './release-file.entity.js';

/**
 * The bytes of a release file in order, at most RELEASE_CHUNK_BYTES each: a download
 * streams them one by one, so serving a file never holds more than one chunk.
 */
@Entity('release_file_chunks')
export class ReleaseFileChunkEntity {
  @PrimaryColumn({ type: 'integer' })
  releaseId: number;

  @PrimaryColumn({ type: 'text' })
  format: string;

  @ManyToOne(() => ReleaseFileEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'release_id',
      referencedColumnName: 'releaseId',
      foreignKeyConstraintName: 'fk_release_file_chunks_file',
    },
    { name: 'format', referencedColumnName: 'format' },
  ])
  file?: ReleaseFileEntity;

  @PrimaryColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'bytea' })
  data: Buffer;
}

import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { ReleaseEntity } from './release.entity.js';

/** One gene of a published release as it was at publish: what diffs and listings read. */
@Entity('release_genes')
@Index('ix_release_genes_release_symbol', ['releaseId', 'symbol'])
export class ReleaseGeneEntity {
  @PrimaryColumn({ type: 'integer' })
  releaseId: number;

  @ManyToOne(() => ReleaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'fk_release_genes_release' })
  release?: ReleaseEntity;

  @PrimaryColumn({ type: 'text' })
  hgncId: string;

  @Column({ type: 'text' })
  symbol: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  aliases: string[];

  @Column({ type: 'numeric' })
  rawScore: string;

  @Column({ type: 'numeric' })
  percentageScore: string;

  @Column({ type: 'text' })
  evidenceTier: string;

  @Column({ type: 'text' })
  evidenceGroup: string;

  @Column({ type: 'integer' })
  sourceCount: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  sourceScores: Record<string, number>;
}

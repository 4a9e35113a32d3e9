import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

import { UserEntity } from './user.entity.js';

/**
 * One opaque refresh token, stored only as its SHA-256. Tokens of one login form a
 * family; a rotated token that is presented again revokes the whole family, unless it
 * comes back within REFRESH_REUSE_GRACE_SECONDS of its rotation (TokensService.rotate).
 */
@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Index('ix_refresh_tokens_user_id')
  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_refresh_tokens_user' })
  user?: UserEntity;

  @Index('ix_refresh_tokens_family_id')
  @Column({ type: 'uuid' })
  familyId: string;

  @Index('uq_refresh_tokens_token_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  /**
   * Set when rotated (used) or revoked. A revoked token is never accepted again; a rotated
   * one only answers with its successor during the reuse grace.
   */
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  revokedReason: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

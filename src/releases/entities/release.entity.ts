import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

/**
 * A citable gene list. A draft holds only its version and notes; publishing freezes the
 * gene table, the exports and their checksums (release_genes, release_files), after which
 * only the DOI fields may change.
 */
@Entity('releases')
@Unique('uq_releases_version', ['version'])
// `2025.9` and `2025.09` name the same CalVer release.
@Unique('uq_releases_calver', ['calverYear', 'calverMonth'])
@Check('ck_releases_status', `"status" IN ('draft', 'published')`)
@Check('ck_releases_calver_month', `"calver_month" BETWEEN 1 AND 12`)
export class ReleaseEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  /** As written: `YYYY.M` or `YYYY.MM`. */
  @Column({ type: 'text' })
  version: string;

  /** The parsed version, for ordering (never the string) and uniqueness. */
  @Column({ type: 'integer' })
  calverYear: number;

  @Column({ type: 'integer' })
  calverMonth: number;

  @Column({ type: 'text', default: 'draft' })
  status: string;

  @Column({ type: 'text', nullable: true })
  releaseNotes: string | null;

  @Column({ type: 'integer', nullable: true })
  createdById: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  publishedById: number | null;

  @Column({ type: 'text', nullable: true })
  publishedByName: string | null;

  @Column({ type: 'integer', nullable: true })
  geneCount: number | null;

  @Column({ type: 'integer', nullable: true })
  evidenceCount: number | null;

  @Column({ type: 'integer', nullable: true })
  annotationCount: number | null;

  /** Each source's category, last update, last completed run and versions at publish. */
  @Column({ type: 'jsonb', nullable: true })
  sources: unknown;

  /** SHA-256 of the JSON export (the original's `export_checksum`). */
  @Column({ type: 'character', length: 64, nullable: true })
  exportChecksum: string | null;

  @Column({ type: 'text', nullable: true })
  citationText: string | null;

  @Column({ type: 'text', nullable: true })
  doi: string | null;

  /** null: no deposit configured; pending, deposited or failed. */
  @Column({ type: 'text', nullable: true })
  doiStatus: string | null;

  @Column({ type: 'text', nullable: true })
  doiError: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

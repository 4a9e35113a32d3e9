import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A runtime setting. The catalogue in code defines which keys exist and how each is
 * applied; the row holds the operator's value (null: follow the default, which comes
 * from the environment at start).
 */
@Entity('system_settings')
export class SystemSettingEntity {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'jsonb', nullable: true })
  value: unknown;

  /** string | number | boolean | json */
  @Column({ type: 'text' })
  valueType: string;

  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'jsonb', nullable: true })
  defaultValue: unknown;

  @Column({ type: 'boolean', default: false })
  requiresRestart: boolean;

  @Column({ type: 'boolean', default: false })
  sensitive: boolean;

  @Column({ type: 'boolean', default: false })
  readOnly: boolean;

  /** The rule a value must satisfy, as shown to operators (min, max, enum, shape). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  validation: Record<string, unknown>;

  @Column({ type: 'integer', nullable: true })
  updatedById: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

import { SystemSettingEntity } from './system-setting.entity.js';

/** Audit of one setting change; values of sensitive settings are stored masked. */
@Entity('system_setting_changes')
@Index('ix_system_setting_changes_key_at', ['settingKey', 'changedAt'])
export class SystemSettingChangeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'text' })
  settingKey: string;

  @ManyToOne(() => SystemSettingEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'setting_key',
    referencedColumnName: 'key',
    foreignKeyConstraintName: 'fk_system_setting_changes_setting',
  })
  setting?: SystemSettingEntity;

  @Column({ type: 'jsonb', nullable: true })
  oldValue: unknown;

  @Column({ type: 'jsonb', nullable: true })
  newValue: unknown;

  @Column({ type: 'integer', nullable: true })
  changedById: number | null;

  @Column({ type: 'text' })
  changedBy: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'text', nullable: true })
  ipAddress: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  changedAt: Date;
}

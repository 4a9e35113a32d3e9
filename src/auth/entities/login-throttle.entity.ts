import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Recent failed logins per login name (username or e-mail as typed, normalised and
 * hashed), whether or not an account has that name: the per-account back-off reads it,
 * so a known and an unknown name behave the same.
 */
@Entity('login_throttle')
export class LoginThrottleEntity {
  /** SHA-256 (hex) of the trimmed, lower-cased login name. */
  @PrimaryColumn({ type: 'char', length: 64 })
  loginKey: string;

  @Column({ type: 'integer' })
  failures: number;

  @Index('ix_login_throttle_last_failure_at')
  @Column({ type: 'timestamptz' })
  lastFailureAt: Date;
}

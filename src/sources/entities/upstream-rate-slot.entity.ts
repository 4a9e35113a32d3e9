import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per upstream domain, when the next request may start: every instance books its
 * starts here, so a domain's rate limit holds across the cluster.
 */
@Entity('upstream_rate_slots')
export class UpstreamRateSlotEntity {
  @PrimaryColumn({ type: 'text' })
  domain: string;

  @Column({ type: 'timestamptz' })
  nextAt: Date;
}

import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';

import { AppConfig } from '../../config/index.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail over SMTP when `SMTP_URL` is set; otherwise reports it cannot deliver. */
@Injectable()
export class MailerService implements OnModuleDestroy {
  private readonly logger = new Logger(MailerService.name);
  private readonly transport: Transporter | null;

  constructor(private readonly config: AppConfig) {
    this.transport = config.mail.smtpUrl ? nodemailer.createTransport(config.mail.smtpUrl) : null;
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  /** Resolves false (and logs why) instead of throwing: callers answer the same either way. */
  async send(message: MailMessage): Promise<boolean> {
    if (!this.transport) {
      this.logger.warn('mail not sent: SMTP_URL is not configured');
      return false;
    }
    try {
      await this.transport.sendMail({ from: this.config.mail.from, ...message });
      return true;
    } catch (error) {
      this.logger.error({ err: error }, 'mail delivery failed');
      return false;
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}

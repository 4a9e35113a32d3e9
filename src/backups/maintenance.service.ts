import { randomUUID } from 'node:crypto';

import {
  Injectable,
  Logger,
  type NestMiddleware,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

import { DatabaseEndpoint } from '../database/database-endpoint.js';
import { NotificationListener } from '../database/notification-listener.js';
import { MaintenanceError } from './backup.error.js';
import { BackupsRepository } from './backups.repository.js';

const CHANNEL = 'kgdb_maintenance';

/** Paths served during a restore: probes and metrics, which do not read the app's tables. */
const ALWAYS_SERVED = /^\/(health|version|metrics)(\/|$|\?)/;

/**
 * Whether a restore holds the service in maintenance, on every instance: the restore
 * record (`backup_restores.status = 'running'`) is the truth, LISTEN/NOTIFY tells the
 * other instances at once, and a reconnecting listener re-reads it. The request check is
 * one boolean in memory.
 */
@Injectable()
export class MaintenanceState implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceState.name);
  private readonly listener: NotificationListener<{ active: boolean }>;
  active = false;

  constructor(
    private readonly repository: BackupsRepository,
    endpoint: DatabaseEndpoint,
  ) {
    this.listener = new NotificationListener(
      endpoint.url,
      CHANNEL,
      randomUUID(),
      (msg) => this.set(msg.active),
      () => void this.refresh(),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
    await this.refresh();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
  }

  async refresh(): Promise<void> {
    try {
      this.set(await this.repository.restoreRunning());
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the maintenance state');
    }
  }

  /** Tells every instance (this one at once) that a restore starts or ended. */
  async announce(active: boolean): Promise<void> {
    this.set(active);
    await this.repository.notify(CHANNEL, this.listener.encode({ active }));
  }

  private set(active: boolean): void {
    if (active !== this.active) {
      this.logger.log(
        { maintenance: active },
        active ? 'maintenance: restore running' : 'maintenance over',
      );
    }
    this.active = active;
  }
}

/** Answers 503 MAINTENANCE (Retry-After) to every request but probes during a restore. */
@Injectable()
export class MaintenanceMiddleware implements NestMiddleware {
  constructor(private readonly state: MaintenanceState) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    if (this.state.active && !ALWAYS_SERVED.test(req.originalUrl)) {
      throw new MaintenanceError();
    }
    next();
  }
}

import { Injectable } from '@nestjs/common';

import { APP_NAME, APP_VERSION } from '../app-info.js';
import { AppConfig } from '../config/index.js';
import { DatabaseEndpoint } from '../database/database-endpoint.js';
import type { VersionResponse } from './dto/health.response.js';
import { HealthRepository } from './health.repository.js';

@Injectable()
export class VersionService {
  constructor(
    private readonly config: AppConfig,
    private readonly endpoint: DatabaseEndpoint,
    private readonly repository: HealthRepository,
  ) {}

  async describe(): Promise<VersionResponse> {
    const [server, migration] = await Promise.all([
      this.repository.serverVersion(),
      this.repository.latestMigration(),
    ]);
    return {
      name: APP_NAME,
      version: APP_VERSION,
      commit: this.config.commit ?? null,
      environment: this.config.env,
      node: process.version,
      database: { server, embedded: this.endpoint.isEmbedded, migration: migration?.name ?? null },
    };
  }
}

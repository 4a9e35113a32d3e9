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
    const schema = migration?.name ?? null;
    return {
      name: APP_NAME,
      version: APP_VERSION,
      commit: this.config.commit ?? null,
      environment: this.config.env,
      node: process.version,
      database: {
        server,
        embedded: this.endpoint.isEmbedded,
        migration: schema,
        version: schema,
      },
      // The original frontend's footer reads backend.version (and the older one
      // database.version, environment, timestamp); the flat fields stay for our clients.
      backend: { name: APP_NAME, version: APP_VERSION, type: 'NestJS' },
      timestamp: new Date().toISOString(),
    };
  }
}

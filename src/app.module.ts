import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { DestinationStream } from 'pino';

import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BackupsModule } from './backups/backups.module.js';
import { AppCacheModule } from './cache/cache.module.js';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter.js';
import { AppConfig, AppConfigModule } from './config/index.js';
import { DatabaseModule } from './database/database.module.js';
import { GenesModule } from './genes/genes.module.js';
import { HealthModule } from './health/health.module.js';
import { requestLogging } from './http/completion-line.js';
import { HttpEdgeModule } from './http/http-edge.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NetworkModule } from './network/network.module.js';
import { PipelineModule } from './pipeline/pipeline.module.js';
import { ReleasesModule } from './releases/releases.module.js';
import { SourcesModule } from './sources/sources.module.js';
import { UploadsModule } from './uploads/uploads.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** Where log lines go; stdout (or pino-pretty) by default. Tests pass a capture stream. */
  logDestination?: DestinationStream;
}

/** Composes the feature modules; nothing else lives here. */
@Module({})
export class AppModule {
  static forRoot({ config, logDestination }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRoot(config, requestLogging(config), logDestination),
        DatabaseModule.forRoot(config),
        AppCacheModule,
        HttpEdgeModule,
        HealthModule,
        AuthModule,
        GenesModule,
        SourcesModule,
        UploadsModule,
        PipelineModule,
        AdminModule,
        ReleasesModule,
        BackupsModule,
        NetworkModule,
        MetricsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}

import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';

import { AppConfig } from '../config/index.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { DatabaseEndpoint, resolveDatabaseEndpoint } from './database-endpoint.js';
import { runMigrationsLocked } from './migration-lock.js';

/**
 * Closes the pool before the embedded server stops, whatever order Nest runs the
 * shutdown hooks in (the TypeORM module skips an already destroyed DataSource).
 */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(
    private readonly endpoint: DatabaseEndpoint,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
    if (this.endpoint.embedded) {
      await this.endpoint.embedded.stop();
      this.logger.log('embedded PostgreSQL stopped');
    }
  }
}

const endpointProvider = {
  provide: DatabaseEndpoint,
  inject: [AppConfig],
  useFactory: async (config: AppConfig): Promise<DatabaseEndpoint> => {
    const logger = new Logger('EmbeddedPostgres');
    const endpoint = await resolveDatabaseEndpoint(config, {
      onLog: (m) => logger.debug(m.trim()),
      onEvent: (level, m) => (level === 'info' ? logger.log(m) : logger[level](m)),
      // Without its database the app can only answer 503: end the process (as for an
      // uncaught exception: logged as fatal, drained, exit code 1) so that its supervisor
      // starts it again, and the embedded server with it.
      onUnrecoverable: (error) => {
        logger.fatal(`${error.message}; shutting the app down so that it is restarted`);
        setImmediate(() => {
          throw error;
        });
      },
    });
    if (endpoint.embedded) {
      logger.log(
        `embedded PostgreSQL ready (${endpoint.embedded.initialised ? 'new' : 'existing'} data in ${endpoint.embedded.dataDir})`,
      );
    }
    return endpoint;
  },
};

@Global()
@Module({
  providers: [endpointProvider],
  exports: [endpointProvider],
})
class DatabaseEndpointModule {}

/** Owns the connection pool, the embedded server's lifecycle and migrations at startup. */
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [DatabaseEndpointModule, typeOrmRoot(config.database.migrationsRun)],
      providers: [DatabaseLifecycle],
      exports: [TypeOrmModule],
    };
  }
}

function typeOrmRoot(migrationsRun: boolean): DynamicModule {
  return TypeOrmModule.forRootAsync({
    inject: [AppConfig, DatabaseEndpoint],
    useFactory: (config: AppConfig, endpoint: DatabaseEndpoint) => ({
      ...buildDataSourceOptions(endpoint.url, config.database),
      autoLoadEntities: true,
      retryAttempts: 3,
      retryDelay: 1000,
    }),
    dataSourceFactory: async (options?: DataSourceOptions) => {
      if (!options) {
        throw new Error('DataSource options missing');
      }
      const dataSource = await new DataSource(options).initialize();
      if (!migrationsRun) {
        return dataSource;
      }
      const logger = new Logger('Migrations');
      try {
        const applied = await runMigrationsLocked(dataSource);
        for (const m of applied) {
          logger.log(`applied migration ${m.name}`);
        }
      } catch (error) {
        await dataSource.destroy();
        throw error;
      }
      return dataSource;
    },
  });
}

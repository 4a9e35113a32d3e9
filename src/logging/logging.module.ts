import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import pg from 'pg';
import pino, { type DestinationStream, type StreamEntry } from 'pino';

import type { AppConfig } from '../config/index.js';
import { DatabaseEndpoint } from '../database/database-endpoint.js';
import { ClientLogsController } from './client-logs.controller.js';
import { SystemLogEntity } from './entities/system-log.entity.js';
import { EventLoopMonitor } from './event-loop.monitor.js';
import { type AdjustableMultistream, LogControl } from './log-control.js';
import { logRouter } from './log-routing.js';
import { LogsRepository } from './logs.repository.js';
import { LogsService } from './logs.service.js';
import { LogsAdminController } from './logs-admin.controller.js';
import {
  buildPinoHttpOptions,
  createConsoleDestination,
  type RequestLogging,
} from './pino-options.js';
import { SystemLogSink } from './system-log.sink.js';

// Logging's public surface beyond LogsService: the providers it exports (docs/architecture.md).
export { EventLoopMonitor } from './event-loop.monitor.js';
export { LogControl } from './log-control.js';
export { SYSTEM_LOG_SINK_TOKEN as SYSTEM_LOG_SINK } from './logs.service.js';
export { buildPinoHttpOptions, type RequestLogging, slowRequestMs } from './pino-options.js';
export { safeUrl } from './redaction.js';
export type { SystemLogSink } from './system-log.sink.js';
import { SYSTEM_LOG_SINK_TOKEN as SYSTEM_LOG_SINK } from './logs.service.js';

const ORDER: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: 100,
};

const LOWEST_LEVEL = Symbol('LOWEST_LEVEL');
const ROUTING_HANDLE = Symbol('ROUTING_HANDLE');

/** Connects the sink to the database once it exists and flushes it before shutdown. */
@Injectable()
class SystemLogLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private pool?: pg.Pool;

  constructor(
    @Inject(SYSTEM_LOG_SINK) private readonly sink: SystemLogSink,
    @Inject(LOWEST_LEVEL) private readonly level: string,
    @Inject(ROUTING_HANDLE) private readonly routing: object,
    private readonly endpoint: DatabaseEndpoint,
  ) {}

  onModuleInit(): void {
    // The process-wide root logger was built by the first app; give it this app's level.
    if (PinoLogger.root) {
      PinoLogger.root.level = this.level;
    }
  }

  onApplicationBootstrap(): void {
    // Its own small pool: log writes never compete with requests for connections.
    this.pool = new pg.Pool({
      connectionString: this.endpoint.url,
      max: 2,
      connectionTimeoutMillis: 2000,
      statement_timeout: 10_000,
      application_name: 'kgdb-log-writer',
      // Log rows need no fsync per batch: a crash may lose the last instant of logs,
      // never the database's consistency.
      options: '-c synchronous_commit=off',
    });
    this.pool.on('error', () => undefined);
    this.sink.attach(this.pool);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sink.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end();
    logRouter.deactivate(this.routing);
  }
}

/**
 * Owns the one structured logger (pino through nestjs-pino): console output, the
 * batched `system_logs` writer, retention, event-loop monitoring and the log endpoints.
 */
@Module({})
export class LoggingModule {
  /**
   * `requests`: how requests get their id and what their completion line says, from the
   * HTTP edge (`requestLogging`), which writes the same line for requests it answers.
   */
  static forRoot(
    config: AppConfig,
    requests: RequestLogging,
    console?: DestinationStream,
  ): DynamicModule {
    const sink = new SystemLogSink(
      config.log.dbBatchSize,
      config.log.dbFlushMs,
      config.log.dbBufferMax,
      config.log.dbRequests,
    );
    const streams: StreamEntry[] = [];
    const consoleStream = console ?? createConsoleDestination(config);
    if (config.log.level !== 'silent') {
      streams.push({ level: config.log.level, stream: consoleStream });
    }
    if (config.log.dbLevel !== 'silent') {
      streams.push({ level: config.log.dbLevel, stream: sink });
    }
    const lowest = [config.log.level, config.log.dbLevel].sort((a, b) => ORDER[a] - ORDER[b])[0];
    const options = { ...buildPinoHttpOptions(config, requests), level: lowest };
    const multistream = pino.multistream(streams);
    const control = new LogControl(
      config,
      multistream as unknown as AdjustableMultistream,
      consoleStream,
      config.log.dbLevel,
    );
    const routing = logRouter.activate(config, multistream, control);
    return {
      module: LoggingModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [options, logRouter],
          // Fields assigned during a request (the user id) also reach its completion line.
          assignResponse: true,
        }),
        TypeOrmModule.forFeature([SystemLogEntity]),
      ],
      controllers: [LogsAdminController, ClientLogsController],
      providers: [
        { provide: SYSTEM_LOG_SINK, useValue: sink },
        { provide: LOWEST_LEVEL, useValue: lowest },
        { provide: ROUTING_HANDLE, useValue: routing },
        { provide: LogControl, useValue: control },
        SystemLogLifecycle,
        EventLoopMonitor,
        LogsRepository,
        LogsService,
      ],
      exports: [LoggerModule, EventLoopMonitor, SYSTEM_LOG_SINK, LogControl],
    };
  }
}

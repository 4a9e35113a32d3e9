import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/index.js';
import { buildPinoHttpOptions, createLogDestination } from './pino-options.js';

/** Owns the structured logger: one pino instance shared by Nest, requests and services. */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [buildPinoHttpOptions(config), destination ?? createLogDestination(config)],
          // Fields assigned during a request (the user id) also reach its completion line.
          assignResponse: true,
        }),
      ],
      exports: [LoggerModule],
    };
  }
}

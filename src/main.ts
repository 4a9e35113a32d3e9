import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, PinoLogger } from 'nestjs-pino';

import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { installProcessFaultPolicy } from './common/lifecycle/process-faults.js';
import { type AppConfig, ConfigValidationError, loadConfig } from './config/index.js';
import { MetricsService } from './metrics/metrics.service.js';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function bootstrap(config: AppConfig): Promise<void> {
  const started = performance.now();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config }), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, config);
  app.enableShutdownHooks();
  const metrics = app.get(MetricsService);
  installProcessFaultPolicy(process, {
    logger: PinoLogger.root,
    countRejection: () => metrics.unhandledRejections.inc(),
    shutdown: () => app.close(),
    shutdownTimeoutMs: config.http.shutdownTimeoutMs,
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Nest drains requests and closes the pool; this only bounds how long that may take.
      setTimeout(
        () => fail(`shutdown took longer than ${config.http.shutdownTimeoutMs} ms`),
        config.http.shutdownTimeoutMs,
      ).unref();
    });
  }
  const server = app.getHttpServer();
  // A drained server must not wait forever on a stuck client.
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  await app.listen(config.http.port, config.http.host);
  const logger = app.get(Logger);
  logger.log(
    `listening on http://${config.http.host}:${config.http.port} (ready in ${Math.round(performance.now() - started)} ms; docs at /docs)`,
    'Bootstrap',
  );
}

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigValidationError) {
    fail(error.message);
  }
  throw error;
}
bootstrap(config).catch((error: unknown) => {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  fail(`startup failed: ${detail}`);
});

import type { AddressInfo } from 'node:net';

import { Module, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { loadConfig } from '../../src/config/index.js';

const discard = { write: () => undefined };

export interface BenchHttpApp {
  url: string;
  app: NestExpressApplication;
  close(): Promise<void>;
}

/** The real app listening on a loopback port, logs discarded from the console. */
export async function startHttpApp(
  databaseUrl: string,
  env: Record<string, string> = {},
  imports: ModuleMetadata['imports'] = [],
): Promise<BenchHttpApp> {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijklmnop',
    ADMIN_PASSWORD: 'Bench-Admin-Passw0rd',
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'info',
    // A bench seeds its own data: the first-start ingestion of the offline snapshot would
    // run beside the measurements, add its genes, refresh scores (clearing caches) and
    // replace seeded annotations with the snapshot's.
    SNAPSHOT_INGEST_ON_START: 'false',
    ...env,
  });
  @Module({ imports: [AppModule.forRoot({ config, logDestination: discard }), ...imports] })
  class BenchRoot {}
  const app = await NestFactory.create<NestExpressApplication>(BenchRoot, {
    bodyParser: false,
    bufferLogs: true,
    logger: false,
  });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, close: () => app.close() };
}

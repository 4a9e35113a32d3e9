import { Module, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';

import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { type AppConfig, loadConfig } from '../../src/config/index.js';
import { LogCapture } from './log-capture.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const TEST_ADMIN_PASSWORD = 'Bootstrap-Admin-Passw0rd';
export const TEST_JWT_SECRET = 'test-jwt-key-0123456789abcdefghijklmnopqrstuvwxyz';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  logs: LogCapture;
  database: TestDatabase | null;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment on top of the test defaults (NODE_ENV=test, quiet pretty-less logs). */
  env?: Record<string, string>;
  /** Use this database instead of creating a fresh copy of the template. */
  databaseUrl?: string;
  /** Listen on an ephemeral port instead of letting supertest bind one per request. */
  listen?: boolean;
  /** Extra modules (test-only controllers) mounted next to the real AppModule. */
  imports?: ModuleMetadata['imports'];
  /** Replaces providers of the real modules (e.g. the list of sources), as Nest's testing module does. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** The full AppModule with the same setup as main.ts, on a database of its own. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl ? null : await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    LOG_PRETTY: 'false',
    DATABASE_URL: options.databaseUrl ?? database?.url,
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    // Tests that point sources at a fixture server must not reach the real HGNC; the
    // tests of normalization turn it on with HGNC_URL at their own fixture server.
    HGNC_NORMALIZE: 'false',
    // Every test client is 127.0.0.1: one IP's login budget would be shared by a whole file.
    RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: '1000',
    ...options.env,
  });
  const logs = new LogCapture();
  const root = AppModule.forRoot({ config, logDestination: logs });
  @Module({ imports: [root, ...(options.imports ?? [])] })
  class TestRootModule {}
  const appOptions = { bodyParser: false, bufferLogs: true, abortOnError: false };
  const app = options.override
    ? (
        await options.override(Test.createTestingModule({ imports: [TestRootModule] })).compile()
      ).createNestApplication<NestExpressApplication>(appOptions)
    : await NestFactory.create<NestExpressApplication>(
        options.imports ? TestRootModule : root,
        appOptions,
      );
  configureApp(app, config);
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
  } else {
    await app.init();
  }
  const server = app.getHttpServer();
  return {
    app,
    config,
    logs,
    database,
    http: () => request(server),
    close: async () => {
      await app.close();
      await database?.drop();
    },
  };
}

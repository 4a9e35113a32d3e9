import type { DestinationStream } from 'pino';

import type { AppConfig } from '../config/index.js';
import type { LogControl } from './log-control.js';
import { completionStatus, levelValue, storesRequestLine } from './request-lines.js';

/**
 * nestjs-pino keeps one pino-http instance per process, built from the first options it
 * sees. Everything that may differ between app instances (the destination, slow-request
 * threshold) is therefore read through this router at call time, and the most recently
 * started app is the active one. A production process runs one app; tests run several.
 */
type Metadata = {
  lastLevel?: number;
  lastObj?: unknown;
  lastMsg?: unknown;
  lastTime?: unknown;
  lastLogger?: unknown;
};

class LogRouter implements DestinationStream {
  // pino passes each record's level and fields on the stream itself when asked to;
  // the multistream behind the router routes by them, so they are handed on.
  lastLevel?: number;
  lastObj?: unknown;
  lastMsg?: unknown;
  lastTime?: unknown;
  lastLogger?: unknown;
  private readonly apps: {
    config: AppConfig;
    target: DestinationStream & Metadata;
    control?: LogControl;
  }[] = [];

  /** Makes an app's destination the active one until it is deactivated. */
  activate(config: AppConfig, target: DestinationStream & Metadata, control?: LogControl): object {
    const entry = { config, target, control };
    this.apps.push(entry);
    return entry;
  }

  /** When an app stops, the app started before it (if still running) takes over again. */
  deactivate(handle: object): void {
    const index = this.apps.indexOf(handle as (typeof this.apps)[number]);
    if (index >= 0) {
      this.apps.splice(index, 1);
    }
  }

  get activeConfig(): AppConfig | undefined {
    return this.apps.at(-1)?.config;
  }

  /** The active app's slow-request threshold, as settings last changed it. */
  get activeSlowRequestMs(): number | undefined {
    const app = this.apps.at(-1);
    return app?.control?.slowRequestMs ?? app?.config.log.slowRequestMs;
  }

  /**
   * Whether any destination of the active app takes this record: a request line that
   * neither the console nor `system_logs` keeps (LOG_DB_REQUESTS) is not even built.
   */
  wants(level: number, record: unknown): boolean {
    const app = this.apps.at(-1);
    const status = completionStatus(record);
    if (!app || status === undefined) {
      return true;
    }
    const log = app.config.log;
    if (level >= levelValue(app.control?.level ?? log.level)) {
      return true;
    }
    return level >= levelValue(log.dbLevel) && storesRequestLine(log.dbRequests, level, status);
  }

  write(line: string): void {
    const target = this.apps.at(-1)?.target;
    if (!target) {
      return;
    }
    target.lastLevel = this.lastLevel;
    target.lastObj = this.lastObj;
    target.lastMsg = this.lastMsg;
    target.lastTime = this.lastTime;
    target.lastLogger = this.lastLogger;
    target.write(line);
  }
}

export const logRouter = new LogRouter();
Object.defineProperty(logRouter, Symbol.for('pino.metadata'), { value: true });

import { PinoLogger } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';

import type { LogLevel } from '../config/environment.js';
import type { AppConfig } from '../config/index.js';

interface StreamEntry {
  level: number;
  stream: DestinationStream;
}

/** The parts of pino's multistream this class adjusts. */
export interface AdjustableMultistream extends DestinationStream {
  streams: StreamEntry[];
  minLevel: number;
}

const value = (level: LogLevel): number =>
  level === 'silent' ? Number.POSITIVE_INFINITY : pino.levels.values[level];

/**
 * Changes what this app logs while it runs (settings changes): the console level and
 * the slow-request threshold. The database writer keeps LOG_DB_LEVEL.
 */
export class LogControl {
  private consoleLevel: LogLevel;
  private slowMs: number;

  constructor(
    config: AppConfig,
    private readonly multistream: AdjustableMultistream,
    private readonly console: DestinationStream,
    private readonly dbLevel: LogLevel,
  ) {
    this.consoleLevel = config.log.level;
    this.slowMs = config.log.slowRequestMs;
  }

  get level(): LogLevel {
    return this.consoleLevel;
  }

  get slowRequestMs(): number {
    return this.slowMs;
  }

  setSlowRequestMs(ms: number): void {
    this.slowMs = ms;
  }

  setLevel(level: LogLevel): void {
    this.consoleLevel = level;
    const streams = this.multistream.streams;
    const index = streams.findIndex((s) => s.stream === this.console);
    if (index >= 0) {
      streams.splice(index, 1);
    }
    if (level !== 'silent') {
      streams.push({ level: value(level), stream: this.console });
    }
    // pino's multistream stops at the first stream above a record's level: keep the order.
    streams.sort((a, b) => a.level - b.level);
    this.multistream.minLevel = streams[0]?.level ?? -1;
    const lowest = [level, this.dbLevel].sort((a, b) => value(a) - value(b))[0];
    if (PinoLogger.root) {
      PinoLogger.root.level = lowest;
    }
  }
}

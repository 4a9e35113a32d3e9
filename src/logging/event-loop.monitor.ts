import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { AppConfig } from '../config/index.js';

export interface EventLoopFigures {
  window_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  at: string | null;
}

const WINDOW_MS = 10_000;

/** Measures event-loop delay per 10 s window; warns when p99 exceeds the threshold. */
@Injectable()
export class EventLoopMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventLoopMonitor.name);
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private timer?: NodeJS.Timeout;
  private last: EventLoopFigures = {
    window_s: WINDOW_MS / 1000,
    p50_ms: 0,
    p99_ms: 0,
    max_ms: 0,
    at: null,
  };

  constructor(private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), WINDOW_MS).unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) {
      clearInterval(this.timer);
    }
    this.histogram.disable();
  }

  /** Closes the current window: records its figures and starts a new one. */
  sample(): EventLoopFigures {
    const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
    this.last = {
      window_s: WINDOW_MS / 1000,
      p50_ms: ms(this.histogram.percentile(50)),
      p99_ms: ms(this.histogram.percentile(99)),
      max_ms: ms(this.histogram.max),
      at: new Date().toISOString(),
    };
    this.histogram.reset();
    if (this.last.p99_ms > this.config.log.eventLoopWarnMs) {
      this.logger.warn(
        this.last,
        `event-loop delay p99 ${this.last.p99_ms} ms over the last ${this.last.window_s} s`,
      );
    }
    return this.last;
  }

  latest(): EventLoopFigures {
    return this.last;
  }
}

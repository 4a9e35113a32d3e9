import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram } from 'prom-client';

import { MetricsRegistry } from '../metrics/metrics-registry.module.js';

/**
 * Request durations by method, matched route pattern and status, from the first byte in:
 * observed by the routed chain (`middleware`) and the pre-routing edge alike.
 */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: MetricsRegistry) {
    this.duration = new Histogram({
      name: 'kgdb_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Records one answered request; `route` is the matched pattern, if any. */
  observe(method: string, route: unknown, status: number, seconds: number): void {
    this.duration.observe(
      {
        method,
        // Unmatched paths share one label: arbitrary URLs must not create series.
        route: typeof route === 'string' ? route : 'unmatched',
        status: String(status),
      },
      seconds,
    );
  }

  /** Express middleware; the route is known only once the request has been routed. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const matched = req.route as { path?: unknown } | undefined;
      this.observe(
        req.method,
        matched?.path,
        res.statusCode,
        Number(process.hrtime.bigint() - start) / 1e9,
      );
    });
    next();
  };
}

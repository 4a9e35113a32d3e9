import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';

/**
 * The Prometheus registry of this instance. Modules that own a figure register their
 * series here (the cache its lookups, the HTTP edge its durations); MetricsModule only
 * serves the registry. That keeps the dependency one way: owners know the registry,
 * the registry knows no owner.
 */
export class MetricsRegistry extends Registry {}

/** Provides the one registry; imported by every module that registers series. */
@Module({ providers: [MetricsRegistry], exports: [MetricsRegistry] })
export class MetricsRegistryModule {}

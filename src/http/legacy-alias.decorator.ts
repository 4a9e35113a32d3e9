import { INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';

import { LegacyShapeInterceptor } from './legacy-shape.interceptor.js';

/**
 * A path the original kidney-genetics-db clients call for this handler. The edge rewrites
 * the request to the handler's own (canonical) path before anything else sees it, so the
 * handler's role, rate limit, validation and cache apply unchanged; the OpenAPI document
 * lists the alias as a deprecated copy of the operation.
 */
export interface LegacyAliasOptions {
  /** The legacy path; `:name` segments must match the canonical route's parameters. */
  path: string;
  /** Why the original clients call it. */
  why: string;
  /** Query parameters the original sent that the original ignored, dropped here. */
  dropQuery?: readonly string[];
  /** The legacy request body → the canonical one (before validation). */
  body?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** The canonical answer → the shape the original clients read. */
  reshape?: (data: unknown) => unknown;
}

export const LEGACY_ALIASES = 'kgdb:legacy-aliases';

/**
 * Declares the handler's legacy aliases (see LegacyAliasOptions). When an alias rewrites
 * the body or reshapes the answer, the handler gets LegacyShapeInterceptor as its first
 * interceptor, wherever the decorator stands among the others: it must see the answer
 * after every other interceptor (the response cache keeps the canonical shape).
 */
export const LegacyAlias =
  (...aliases: LegacyAliasOptions[]): MethodDecorator =>
  (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    Reflect.defineMetadata(LEGACY_ALIASES, aliases, handler);
    if (aliases.some((a) => a.body ?? a.reshape)) {
      const others = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
      Reflect.defineMetadata(INTERCEPTORS_METADATA, [LegacyShapeInterceptor, ...others], handler);
    }
    return descriptor;
  };

import { SetMetadata } from '@nestjs/common';

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

/** Declares the handler's legacy aliases (see LegacyAliasOptions). */
export const LegacyAlias = (...aliases: LegacyAliasOptions[]): MethodDecorator =>
  SetMetadata(LEGACY_ALIASES, aliases);

import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import { type INestApplicationContext, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';

import { LEGACY_ALIASES, type LegacyAliasOptions } from './legacy-alias.decorator.js';
import { legacyArrivalOf, markLegacy } from './legacy-shape.interceptor.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One legacy alias with the canonical route it stands for. */
export interface LegacyRoute extends LegacyAliasOptions {
  method: Method;
  canonical: string;
}

interface Compiled {
  route: LegacyRoute;
  segments: string[];
}

const split = (path: string) => path.split('/').filter((s) => s.length > 0);
const join = (...parts: string[]) => `/${parts.flatMap(split).join('/')}`;

/** Matches request paths against the legacy aliases (trailing slash or not). */
export class LegacyRouteTable {
  private readonly byMethod = new Map<string, Compiled[]>();

  constructor(readonly routes: readonly LegacyRoute[]) {
    for (const route of routes) {
      const list = this.byMethod.get(route.method) ?? [];
      list.push({ route, segments: split(route.path) });
      this.byMethod.set(route.method, list);
    }
  }

  /** The canonical URL (query kept, minus dropped parameters) for a legacy request, or null. */
  rewrite(method: string, url: string): { url: string; route: LegacyRoute } | null {
    const candidates = this.byMethod.get(method.toUpperCase());
    if (!candidates) {
      return null;
    }
    const q = url.indexOf('?');
    const parts = split(q === -1 ? url : url.slice(0, q));
    for (const { route, segments } of candidates) {
      const params = matchSegments(segments, parts);
      if (params) {
        const path = join(
          ...split(route.canonical).map((s) => (s.startsWith(':') ? params.get(s.slice(1))! : s)),
        );
        return { url: path + keptQuery(q === -1 ? '' : url.slice(q + 1), route.dropQuery), route };
      }
    }
    return null;
  }
}

function keptQuery(query: string, drop: readonly string[] = []): string {
  if (query === '' || drop.length === 0) {
    return query === '' ? '' : `?${query}`;
  }
  const kept = query
    .split('&')
    .filter((pair) => !drop.includes(decodeURIComponent(pair.split('=')[0] ?? '')));
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}

function matchSegments(pattern: string[], parts: string[]): Map<string, string> | null {
  if (pattern.length !== parts.length) {
    return null;
  }
  const params = new Map<string, string>();
  for (const [i, segment] of pattern.entries()) {
    if (segment.startsWith(':')) {
      params.set(segment.slice(1), parts[i]);
    } else if (segment !== parts[i]) {
      return null;
    }
  }
  return params;
}

/** The legacy alias a request arrived on, if it was rewritten. */
export function legacyOf(req: IncomingMessage): { path: string; route: LegacyRoute } | undefined {
  return legacyArrivalOf(req);
}

/**
 * Puts the rewrite in front of every request listener of `server` (the pre-routing fast
 * path and Express alike). A rewritten answer says it is deprecated and names its
 * successor (`Deprecation`, `Link: rel="successor-version"`).
 */
export function installLegacyRoutes(server: Server, table: LegacyRouteTable): void {
  const listeners = server.listeners('request') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const hit = req.url ? table.rewrite(req.method ?? 'GET', req.url) : null;
    if (hit) {
      markLegacy(req, { path: req.url!, route: hit.route });
      req.url = hit.url;
      res.setHeader('Deprecation', 'true');
      res.setHeader('Link', `<${hit.url.split('?')[0]}>; rel="successor-version"`);
    }
    for (const listener of listeners) {
      listener.call(server, req, res);
    }
  });
}

/**
 * The `@LegacyAlias` declarations of every controller of `app`, with their canonical
 * routes. Reads only route metadata, so it works in the OpenAPI writer's preview mode
 * (where no provider is instantiated) as in the running app.
 */
export function legacyRoutesOf(app: INestApplicationContext): LegacyRoute[] {
  const routes: LegacyRoute[] = [];
  const scanner = new MetadataScanner();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const metatype = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (!metatype) {
        continue;
      }
      const base = firstPath(Reflect.getMetadata(PATH_METADATA, metatype));
      const prototype = metatype.prototype as Record<string, object>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        const aliases = Reflect.getMetadata(LEGACY_ALIASES, handler) as
          LegacyAliasOptions[] | undefined;
        if (!aliases) {
          continue;
        }
        const method = RequestMethod[
          Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod
        ] as Method;
        const canonical = join(base, firstPath(Reflect.getMetadata(PATH_METADATA, handler)));
        for (const alias of aliases) {
          routes.push({ ...alias, method, canonical });
        }
      }
    }
  }
  return routes;
}

const firstPath = (value: unknown): string =>
  Array.isArray(value) ? String(value[0] ?? '') : typeof value === 'string' ? value : '';

const openApiPath = (path: string) => path.replace(/:([A-Za-z_]\w*)/g, '{$1}');

/**
 * Adds each legacy alias to `document` as a deprecated copy of its canonical operation
 * (same parameters and role), so explorers and contract tests see it.
 */
export function documentLegacyRoutes(
  document: OpenAPIObject,
  routes: readonly LegacyRoute[],
): OpenAPIObject {
  for (const route of routes) {
    const method = route.method.toLowerCase() as Lowercase<Method>;
    const canonical = document.paths[openApiPath(route.canonical)]?.[method];
    if (!canonical) {
      throw new Error(`legacy route ${route.path}: no ${route.method} ${route.canonical}`);
    }
    const path = openApiPath(route.path);
    const shape = route.reshape ? ' It answers in the original’s shape.' : '';
    document.paths[path] = {
      ...document.paths[path],
      [method]: {
        ...canonical,
        operationId: `legacy_${method}${route.path.replace(/[^A-Za-z0-9]+/g, '_')}`,
        deprecated: true,
        description: `Alias of \`${route.method} ${route.canonical}\` for the original clients (${route.why}); same handler and role.${shape}`,
      },
    };
  }
  return document;
}

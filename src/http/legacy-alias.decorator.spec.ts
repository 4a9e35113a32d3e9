import 'reflect-metadata';

import { INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';

import { CachedResponse, HttpCacheInterceptor } from './http-cache.interceptor.js';
import { LEGACY_ALIASES, LegacyAlias } from './legacy-alias.decorator.js';
import { LegacyShapeInterceptor } from './legacy-shape.interceptor.js';

const reshape = (data: unknown) => ({ wrapped: data });
const interceptorsOf = (handler: object): unknown =>
  Reflect.getMetadata(INTERCEPTORS_METADATA, handler);

describe('@LegacyAlias', () => {
  it('puts the shape interceptor first, above or below the response cache', () => {
    class Routes {
      @LegacyAlias({ path: '/old/a', why: 'test', reshape })
      @CachedResponse({ namespace: 'genes' })
      above(): void {}

      @CachedResponse({ namespace: 'genes' })
      @LegacyAlias({ path: '/old/b', why: 'test', reshape })
      below(): void {}
    }
    for (const handler of [Routes.prototype.above, Routes.prototype.below]) {
      expect(interceptorsOf(handler)).toEqual([LegacyShapeInterceptor, HttpCacheInterceptor]);
    }
  });

  it('adds no interceptor when its aliases neither map the body nor reshape the answer', () => {
    class Routes {
      @LegacyAlias({ path: '/old/c', why: 'test' })
      plain(): void {}
    }
    expect(interceptorsOf(Routes.prototype.plain)).toBeUndefined();
    expect(Reflect.getMetadata(LEGACY_ALIASES, Routes.prototype.plain)).toEqual([
      { path: '/old/c', why: 'test' },
    ]);
  });
});

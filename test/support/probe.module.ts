import {
  Body,
  Controller,
  Get,
  Injectable,
  Logger,
  Module,
  type OnModuleInit,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';

import { Public } from '../../src/auth/decorators/access.decorator.js';
import { CacheService } from '../../src/cache/cache.service.js';
import { CacheWarmerRegistry } from '../../src/cache/cache-warmers.js';
import { NotFoundError } from '../../src/common/errors/index.js';
import { correlationHeaders } from '../../src/common/request-context.js';
import { CachedResponse } from '../../src/http/http-cache.interceptor.js';

export class ProbeBody {
  @IsString()
  @MaxLength(20)
  name: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count: number;
}

@Injectable()
class ProbeService implements OnModuleInit {
  calls = 0;

  constructor(
    private readonly warmers: CacheWarmerRegistry,
    private readonly cache: CacheService,
  ) {}

  /** A warmable source, as real sources will register: it preloads three entries. */
  onModuleInit(): void {
    this.warmers.register({
      name: 'probe-source',
      description: 'test source with three entries',
      warm: async ({ forceRefresh }) => {
        for (const symbol of ['PKD1', 'PKD2', 'COL4A5']) {
          if (forceRefresh || (await this.cache.get(symbol, 'probe')) === undefined) {
            await this.cache.set(symbol, { symbol }, 'probe');
          }
        }
        return 3;
      },
    });
    this.warmers.register({
      name: 'probe-broken',
      description: 'test source whose upstream is down',
      warm: () => Promise.reject(new Error('upstream unreachable')),
    });
  }

  private readonly logger = new Logger(ProbeService.name);

  record(payload: Record<string, unknown>): void {
    this.logger.log({ payload }, 'probe service saw a payload');
  }
}

/**
 * Test-only routes that exercise the global pipe, filter and logger the way feature
 * controllers will: validation, domain errors, unexpected errors, service-level logs.
 */
@Public()
@Controller('__probe')
class ProbeController {
  constructor(readonly service: ProbeService) {}

  @Post('echo')
  echo(@Body() body: ProbeBody): ProbeBody {
    return body;
  }

  @Get('missing/:id')
  missing(@Param('id') id: string): never {
    throw new NotFoundError(`Thing ${id} not found`);
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret internal detail');
  }

  @Get('slow')
  async slow(@Query('ms') ms = '300'): Promise<{ waited: number }> {
    const waited = Math.min(Number(ms) || 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, waited));
    return { waited };
  }

  /** Calls an upstream the way source clients do, with the correlation headers. */
  @Get('outbound')
  async outbound(@Query('url') url: string): Promise<{ status: number }> {
    const res = await fetch(url, { headers: correlationHeaders() });
    return { status: res.status };
  }

  @Get('cached')
  @CachedResponse({ namespace: 'http', ttl: 60 })
  cached(@Query('q') q?: string): { calls: number; q: string | null } {
    return { calls: ++this.service.calls, q: q ?? null };
  }

  @Post('log')
  log(@Body() body: Record<string, unknown>): { ok: true } {
    this.service.record(body);
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController], providers: [ProbeService] })
export class ProbeModule {}

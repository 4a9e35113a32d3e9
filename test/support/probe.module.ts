import {
  Body,
  Controller,
  Get,
  Injectable,
  Logger,
  Module,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { Public } from '../../src/auth/decorators/access.decorator.js';
import { NotFoundError } from '../../src/common/errors/index.js';

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
class ProbeService {
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
  constructor(private readonly service: ProbeService) {}

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

  @Post('log')
  log(@Body() body: Record<string, unknown>): { ok: true } {
    this.service.record(body);
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController], providers: [ProbeService] })
export class ProbeModule {}

import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public } from '../../auth/decorators/access.decorator.js';
import { ErrorEnvelope } from '../../common/filters/error-envelope.js';
import { SitemapQuery } from './sitemap.query.js';
import { SitemapService } from './sitemap.service.js';

const CACHE_CONTROL = 'public, max-age=3600';

@ApiTags('seo')
@Controller()
export class SitemapController {
  constructor(private readonly sitemap: SitemapService) {}

  @Get('sitemap.xml')
  @Public()
  @ApiOperation({
    summary: 'Sitemap of the frontend: its public pages and two pages per gene',
    description:
      'Up to 50,000 URLs one `<urlset>`; beyond, a `<sitemapindex>` of `/sitemap.xml?part=N` ' +
      'files. `<loc>` values start with PUBLIC_BASE_URL. `Cache-Control: public, max-age=3600`.',
  })
  @ApiProduces('application/xml')
  @ApiOkResponse({ description: 'XML urlset or sitemap index', schema: { type: 'string' } })
  @ApiResponse({ status: 404, type: ErrorEnvelope, description: 'No such part' })
  async get(@Query() query: SitemapQuery, @Res() res: Response): Promise<void> {
    const answer = await this.sitemap.answer(query.part);
    res.setHeader('Content-Type', 'application/xml; charset=utf-8');
    res.setHeader('Cache-Control', CACHE_CONTROL);
    if (answer.kind === 'index') {
      res.send(answer.xml);
      return;
    }
    await writeChunks(res, answer.chunks);
  }
}

/** Streams the chunks with back-pressure; stops when the client goes away. */
async function writeChunks(res: Response, chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) {
    if (res.destroyed) {
      return;
    }
    if (!res.write(chunk)) {
      await drainedOrClosed(res);
    }
  }
  res.end();
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

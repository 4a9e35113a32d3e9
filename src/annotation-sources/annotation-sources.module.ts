import { Module } from '@nestjs/common';
import { SourceProgressBus } from './upstream/progress.bus.js';
import { UpstreamHttp } from './upstream/upstream-http.service.js';

/**
 * Owns everything sources share to reach upstream APIs: the rate-limited, retrying,
 * circuit-broken, cached HTTP client and the progress bus. Sources build on these.
 */
@Module({
  providers: [UpstreamHttp, SourceProgressBus],
  exports: [UpstreamHttp, SourceProgressBus],
})
export class AnnotationSourcesModule {}

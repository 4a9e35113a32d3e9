import { Injectable } from '@nestjs/common';

import { CacheService } from '../../cache/cache.service.js';
import { AppConfig } from '../../config/index.js';
import { SnapshotServer } from '../snapshot/snapshot.server.js';
import { SourceProgressBus } from '../upstream/progress.bus.js';
import { UpstreamHttp } from '../upstream/upstream-http.service.js';
import { SourceCheckpoints } from './source-checkpoints.repository.js';

/** What every source is built on; one injectable so a source's constructor stays short. */
@Injectable()
export class SourceToolkit {
  constructor(
    readonly http: UpstreamHttp,
    readonly cache: CacheService,
    readonly snapshot: SnapshotServer,
    readonly progress: SourceProgressBus,
    readonly checkpoints: SourceCheckpoints,
    readonly config: AppConfig,
  ) {}
}

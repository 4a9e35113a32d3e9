import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { runInBackground } from '../../common/background.js';
import { AppConfig } from '../../config/index.js';
import { GenesService } from '../../genes/genes.service.js';
import { EvidenceSourcesService } from '../evidence/evidence-sources.service.js';

/** Sources with HGNC ids first, so symbol-only sources (HPO) find their genes. */
const ORDER = ['ClinGen', 'GenCC', 'PanelApp', 'HPO', 'PubTator'];

/**
 * On a fresh database in snapshot mode, ingests the offline snapshot once, in the
 * background, so `npm start` serves scored genes without a manual step.
 */
@Injectable()
export class SnapshotIngestion implements OnApplicationBootstrap {
  private readonly logger = new Logger(SnapshotIngestion.name);
  done?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly genes: GenesService,
    private readonly sources: EvidenceSourcesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.sources.ingestSnapshotOnStart) return;
    if (await this.genes.hasEvidence()) return;
    this.logger.log('empty database: ingesting the offline snapshot in the background');
    let finish: () => void = () => undefined;
    this.done = new Promise<void>((resolve) => (finish = resolve));
    runInBackground(this.logger, 'snapshot ingestion', async () => {
      try {
        for (const name of ORDER) {
          const result = await this.sources.run(name);
          this.logger.log(
            { source: name, status: result.status, genes: result.genes, staged: result.staged },
            `snapshot ${name}: ${result.status}`,
          );
        }
      } finally {
        finish();
      }
    });
  }
}

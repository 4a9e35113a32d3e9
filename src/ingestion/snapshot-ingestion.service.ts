import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { readdir, readFile } from 'node:fs/promises';
import { AnnotationSourcesService } from '../annotation-sources/annotations/annotation-sources.service.js';
import { EvidenceSourcesService } from '../annotation-sources/evidence/evidence-sources.service.js';
import { snapshotDataDir } from '../annotation-sources/snapshot/snapshot.server.js';
import { runInBackground } from '../common/background.js';
import { AppConfig } from '../config/index.js';
import { GenesService } from '../genes/genes.service.js';
import { UploadsService } from './uploads.service.js';

/** Sources with HGNC ids first, so symbol-only sources (HPO, PubTator) find their genes. */
const ORDER = ['ClinGen', 'GenCC', 'PanelApp', 'HPO', 'PubTator'];
/** Upload source → the snapshot folder of its files (one provider or publication each). */
const UPLOADS = { DiagnosticPanels: 'diagnostic-panels', Literature: 'literature' } as const;

/**
 * On a fresh database in snapshot mode, ingests the offline snapshot once, in the
 * background, so `npm start` serves scored genes without a manual step: every evidence
 * source through its real client, then the upload sources' files through the upload path,
 * then every annotation source (genes the snapshot lacks are recorded as failures).
 */
@Injectable()
export class SnapshotIngestion implements OnApplicationBootstrap {
  private readonly logger = new Logger(SnapshotIngestion.name);
  done?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly genes: GenesService,
    private readonly sources: EvidenceSourcesService,
    private readonly uploads: UploadsService,
    private readonly annotations: AnnotationSourcesService,
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
        for (const [source, folder] of Object.entries(UPLOADS)) await this.upload(source, folder);
        // HGNC first: its identifiers are what the other annotation sources query by.
        for (const name of this.annotations.names()) {
          const result = await this.annotations.run(name);
          this.logger.log(
            { source: name, status: result.status, updated: result.updated, failed: result.failed },
            `snapshot annotation ${name}: ${result.status}`,
          );
        }
      } finally {
        finish();
      }
    });
  }

  private async upload(source: string, folder: string): Promise<void> {
    const dir = `${snapshotDataDir()}uploads/${folder}/`;
    for (const name of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
      const buffer = await readFile(dir + name);
      const result = await this.uploads.upload(
        source,
        { originalname: name, mimetype: 'application/json', size: buffer.length, buffer },
        { mode: 'merge' },
        null,
      );
      this.logger.log(
        { source, identifier: result.identifier, genes: result.genes, staged: result.staged },
        `snapshot ${source}: ${name}`,
      );
    }
  }
}

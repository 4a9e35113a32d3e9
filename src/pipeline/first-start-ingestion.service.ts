import { readdir, readFile } from 'node:fs/promises';

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import { runInBackground } from '../common/background.js';
import { AppConfig } from '../config/index.js';
import { GenesService } from '../genes/genes.service.js';
import { SourceRunner } from '../sources/runner/source-runner.service.js';
import { snapshotDataDir, UPLOAD_SOURCES } from '../sources/sources.module.js';
import { UploadsService } from '../uploads/uploads.service.js';

/**
 * On a fresh database in snapshot mode, ingests the offline snapshot once, in the
 * background, so `npm start` serves scored genes without a manual step: every evidence
 * source through its real client in declared run order (sources with HGNC ids first, so
 * symbol-only sources find their genes), then each upload source's snapshot folder through
 * the upload path, then every annotation source in run order (HGNC first; genes the
 * snapshot lacks are recorded as failures).
 */
@Injectable()
export class FirstStartIngestion implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstStartIngestion.name);
  done?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly genes: GenesService,
    private readonly runner: SourceRunner,
    private readonly uploads: UploadsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.sources.ingestSnapshotOnStart) {
      return;
    }
    if (await this.genes.hasEvidence()) {
      return;
    }
    this.logger.log('empty database: ingesting the offline snapshot in the background');
    let finish: () => void = () => undefined;
    this.done = new Promise<void>((resolve) => (finish = resolve));
    runInBackground(this.logger, 'snapshot ingestion', async () => {
      try {
        for (const name of this.runner.names('evidence')) {
          const result = await this.runner.run(name);
          if (result.kind !== 'evidence') {
            continue;
          }
          this.logger.log(
            { source: name, status: result.status, genes: result.genes, staged: result.staged },
            `snapshot ${name}: ${result.status}`,
          );
        }
        for (const upload of UPLOAD_SOURCES) {
          await this.upload(upload.name, upload.snapshotFolder);
        }
        for (const name of this.runner.names('annotation')) {
          const result = await this.runner.runAnnotation(name);
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

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

import type { BackupMethod } from './backups.repository.js';

/** SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** `backup_YYYYmmdd_HHMMSS_<rand>.dump` (pg_dump) or `.tar.gz` (logical), in UTC. */
export function backupFilename(method: BackupMethod, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').replace(/\..*$/, '');
  const suffix = randomBytes(3).toString('hex');
  return `backup_${stamp}_${suffix}${method === 'pg_dump' ? '.dump' : '.tar.gz'}`;
}

/** Where a file is written until it is complete; renamed only then. */
export function partialName(filename: string): string {
  return `.${filename}.partial`;
}

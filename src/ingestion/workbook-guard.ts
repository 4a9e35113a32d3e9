import { inflateRawSync } from 'node:zlib';
import { UploadLimitExceeded, megabytes, type UploadLimits } from './upload-limits.js';

/**
 * Checks an XLSX file (a ZIP archive of XML parts) against the upload limits before the
 * workbook reader inflates it: first the sizes the central directory declares, then the
 * sizes the parts really inflate to (inflating stops as soon as the running total passes
 * the limit, so a part that lies about its size costs no more than the limit). While
 * inflating it also counts worksheet rows and looks for text runs no cell could fit in.
 */

export class UnreadableWorkbookError extends Error {}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** An Excel workbook has a few dozen parts; thousands are an attack on the reader. */
const MAX_ENTRIES = 2000;
/** XML escapes (`&quot;`) take 6 bytes per character at most, UTF-8 takes 4. */
const BYTES_PER_CHAR = 6;
/** Room for the tag around a cell's text (`<t xml:space="preserve">`). */
const TAG_SLACK = 4096;

/** The XML parts the workbook reader inflates (read-excel-file skips the others). */
function isXmlPart(name: string): boolean {
  return name.endsWith('.xml') || name.endsWith('.xml.rels');
}

function unreadable(message: string): never {
  throw new UnreadableWorkbookError(message);
}

function centralDirectory(zip: Buffer): ZipEntry[] {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) unreadable('not a ZIP archive');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) unreadable('ZIP64 archives are not read');
  if (count > MAX_ENTRIES) unreadable(`more than ${MAX_ENTRIES} parts in the archive`);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== DIRECTORY_ENTRY)
      unreadable('damaged ZIP central directory');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      localOffset: zip.readUInt32LE(offset + 42),
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function compressedData(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_HEADER)
    unreadable(`damaged ZIP entry ${entry.name}`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  if (start + entry.compressedSize > zip.length) unreadable(`truncated ZIP entry ${entry.name}`);
  return zip.subarray(start, start + entry.compressedSize);
}

function tooLarge(limits: UploadLimits, detail: string): UploadLimitExceeded {
  return new UploadLimitExceeded(
    'decompressed_size',
    limits.maxDecompressedBytes,
    `the workbook inflates to more than ${megabytes(limits.maxDecompressedBytes)} (${detail})`,
  );
}

function inflate(zip: Buffer, entry: ZipEntry, room: number, limits: UploadLimits): Buffer {
  const data = compressedData(zip, entry);
  if (entry.method === STORED) return data;
  if (entry.method !== DEFLATED) unreadable(`ZIP compression method ${entry.method} is not read`);
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, room + 1) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge(limits, `${entry.name} alone is larger than what is left`);
    unreadable(`ZIP entry ${entry.name} does not inflate: ${(error as Error).message}`);
  }
}

/** `<row ` or `<row>` elements in a worksheet part. */
function countRows(xml: Buffer): number {
  let rows = 0;
  for (let i = xml.indexOf('<row'); i >= 0; i = xml.indexOf('<row', i + 4)) {
    const next = xml[i + 4];
    if (next === 0x20 || next === 0x3e || next === 0x09 || next === 0x0a || next === 0x0d)
      rows += 1;
  }
  return rows;
}

/** The longest stretch without a `<`: a bound on any text (or tag) in the part. */
function longestRun(xml: Buffer): number {
  let longest = 0;
  let previous = -1;
  for (let i = xml.indexOf(0x3c); i >= 0; i = xml.indexOf(0x3c, i + 1)) {
    longest = Math.max(longest, i - previous - 1);
    previous = i;
  }
  return Math.max(longest, xml.length - previous - 1);
}

export function guardWorkbook(zip: Buffer, limits: UploadLimits): void {
  const parts = centralDirectory(zip).filter((e) => isXmlPart(e.name));
  const declared = parts.reduce((sum, e) => sum + e.size, 0);
  if (declared > limits.maxDecompressedBytes)
    throw tooLarge(limits, `its parts declare ${megabytes(declared)}`);
  const maxRun = limits.maxCellChars * BYTES_PER_CHAR + TAG_SLACK;
  let inflated = 0;
  for (const entry of parts) {
    const xml = inflate(zip, entry, limits.maxDecompressedBytes - inflated, limits);
    inflated += xml.length;
    if (inflated > limits.maxDecompressedBytes) throw tooLarge(limits, `at ${entry.name}`);
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(entry.name) && countRows(xml) > limits.maxRows + 1) {
      throw new UploadLimitExceeded(
        'rows',
        limits.maxRows,
        `${entry.name} has more than ${limits.maxRows} rows`,
      );
    }
    if (longestRun(xml) > maxRun) {
      throw new UploadLimitExceeded(
        'cell_length',
        limits.maxCellChars,
        `${entry.name} holds a value longer than ${limits.maxCellChars} characters`,
      );
    }
  }
}

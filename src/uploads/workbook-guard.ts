import { inflateRawSync } from 'node:zlib';

import { megabytes, UploadLimitExceeded, type UploadLimits } from './upload-limits.js';

/**
 * Reads an XLSX file (a ZIP archive of XML parts) within the upload limits, so that the
 * workbook reader never unzips the uploaded bytes itself. The central directory is the
 * one list of parts: the local entries must be exactly those it lists, back to back
 * (a streaming unzipper walks local headers, so an entry hidden from the directory, or a
 * second one under a listed name, would reach it unchecked). Then the declared sizes are
 * checked and the XML parts inflated (stopping as soon as the running total passes the
 * limit, so a part that lies about its size costs no more than the limit), counting
 * worksheet rows and looking for text runs no cell could fit in. The parts come back
 * inflated, for the reader to get in an archive written here.
 */

export class UnreadableWorkbookError extends Error {}

interface ZipEntry {
  name: string;
  rawName: Buffer;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
/** Flag bit 3: CRC and sizes follow the data in a descriptor, the local header holds zeros. */
const HAS_DESCRIPTOR = 0x08;
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

interface Directory {
  entries: ZipEntry[];
  /** Where the directory starts: the local entries must end exactly there. */
  offset: number;
}

function centralDirectory(zip: Buffer): Directory {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) {
    unreadable('not a ZIP archive');
  }
  const count = zip.readUInt16LE(end + 10);
  const start = zip.readUInt32LE(end + 16);
  if (count === 0xffff || start === 0xffffffff) {
    unreadable('ZIP64 archives are not read');
  }
  if (count > MAX_ENTRIES) {
    unreadable(`more than ${MAX_ENTRIES} parts in the archive`);
  }
  if (start + zip.readUInt32LE(end + 12) !== end) {
    unreadable('the central directory does not end where the archive says');
  }
  const entries: ZipEntry[] = [];
  let offset = start;
  for (let n = 0; n < count; n++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== DIRECTORY_ENTRY) {
      unreadable('damaged ZIP central directory');
    }
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const rawName = zip.subarray(offset + 46, offset + 46 + nameLength);
    entries.push({
      flags: zip.readUInt16LE(offset + 8),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      localOffset: zip.readUInt32LE(offset + 42),
      name: rawName.toString('utf8'),
      rawName,
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  if (offset !== end) {
    unreadable('the central directory does not end where the archive says');
  }
  return { entries, offset: start };
}

/** Where an entry's compressed data starts, after its local header. */
function dataStart(zip: Buffer, entry: ZipEntry): number {
  const at = entry.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_HEADER) {
    unreadable(`damaged ZIP entry ${entry.name}`);
  }
  return at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
}

/**
 * The local entries are the directory's, one for one: from offset 0, each local header
 * where the directory says, with the same name, method, descriptor flag and (without a
 * descriptor) compressed size, its data (and descriptor) ending where the next entry, or
 * finally the directory, starts. No byte is left that a reader walking local headers
 * could take for a part, and no name appears twice.
 */
function checkLocalEntries(zip: Buffer, directory: Directory): void {
  const names = new Set<string>();
  for (const entry of directory.entries) {
    if (names.has(entry.name)) {
      unreadable(`the archive lists ${entry.name} twice`);
    }
    names.add(entry.name);
  }
  const byOffset = [...directory.entries].sort((a, b) => a.localOffset - b.localOffset);
  let expected = 0;
  for (const entry of byOffset) {
    if (entry.localOffset !== expected) {
      unreadable(
        `bytes at ${expected} of the archive are not an entry its central directory lists`,
      );
    }
    const at = entry.localOffset;
    const start = dataStart(zip, entry);
    const flags = zip.readUInt16LE(at + 6);
    const rawName = zip.subarray(at + 30, at + 30 + zip.readUInt16LE(at + 26));
    const descriptor = (entry.flags & HAS_DESCRIPTOR) !== 0;
    if (
      !rawName.equals(entry.rawName) ||
      zip.readUInt16LE(at + 8) !== entry.method ||
      (flags & HAS_DESCRIPTOR) !== (entry.flags & HAS_DESCRIPTOR) ||
      (!descriptor && zip.readUInt32LE(at + 18) !== entry.compressedSize)
    ) {
      unreadable(`the local header of ${entry.name} differs from the central directory`);
    }
    let end = start + entry.compressedSize;
    if (descriptor) {
      // CRC and both sizes, after a signature most writers put first.
      const signed = end + 4 <= zip.length && zip.readUInt32LE(end) === DATA_DESCRIPTOR;
      end += signed ? 16 : 12;
    }
    if (end > zip.length) {
      unreadable(`truncated ZIP entry ${entry.name}`);
    }
    expected = end;
  }
  if (expected !== directory.offset) {
    unreadable(`bytes at ${expected} of the archive are not an entry its central directory lists`);
  }
}

function compressedData(zip: Buffer, entry: ZipEntry): Buffer {
  const start = dataStart(zip, entry);
  if (start + entry.compressedSize > zip.length) {
    unreadable(`truncated ZIP entry ${entry.name}`);
  }
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
  if (entry.method === STORED) {
    return data;
  }
  if (entry.method !== DEFLATED) {
    unreadable(`ZIP compression method ${entry.method} is not read`);
  }
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, room + 1) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(limits, `${entry.name} alone is larger than what is left`);
    }
    unreadable(`ZIP entry ${entry.name} does not inflate: ${(error as Error).message}`);
  }
}

/** `<row ` or `<row>` elements in a worksheet part. */
function countRows(xml: Buffer): number {
  let rows = 0;
  for (let i = xml.indexOf('<row'); i >= 0; i = xml.indexOf('<row', i + 4)) {
    const next = xml[i + 4];
    if (next === 0x20 || next === 0x3e || next === 0x09 || next === 0x0a || next === 0x0d) {
      rows += 1;
    }
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

/**
 * The workbook's XML parts, inflated, by name; throws UnreadableWorkbookError for an
 * archive that is not one plain list of parts and UploadLimitExceeded past a limit.
 */
export function guardWorkbook(zip: Buffer, limits: UploadLimits): Map<string, Buffer> {
  const directory = centralDirectory(zip);
  checkLocalEntries(zip, directory);
  const parts = directory.entries.filter((e) => isXmlPart(e.name));
  const declared = parts.reduce((sum, e) => sum + e.size, 0);
  if (declared > limits.maxDecompressedBytes) {
    throw tooLarge(limits, `its parts declare ${megabytes(declared)}`);
  }
  const maxRun = limits.maxCellChars * BYTES_PER_CHAR + TAG_SLACK;
  let inflated = 0;
  const contents = new Map<string, Buffer>();
  for (const entry of parts) {
    const xml = inflate(zip, entry, limits.maxDecompressedBytes - inflated, limits);
    contents.set(entry.name, xml);
    inflated += xml.length;
    if (inflated > limits.maxDecompressedBytes) {
      throw tooLarge(limits, `at ${entry.name}`);
    }
    // Any part: the workbook's relationships, not the name, say which part is a sheet.
    if (countRows(xml) > limits.maxRows + 1) {
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
  return contents;
}

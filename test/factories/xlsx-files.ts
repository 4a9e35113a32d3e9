import { once } from 'node:events';
import { crc32, createDeflateRaw } from 'node:zlib';

/**
 * Hand-built XLSX workbooks (ZIP archives of XML parts) for upload tests, including ones
 * no spreadsheet program would write: a part that inflates a thousand times over, or one
 * whose headers understate its size. Large parts are generated and compressed in chunks,
 * so a 300 MB part never exists in memory at once.
 */

export interface ZipPart {
  name: string;
  /** The part's content, in pieces. */
  chunks: Iterable<string | Buffer>;
  /** Size to write in the headers instead of the real one (a lying archive). */
  declaredSize?: number;
  /**
   * Written as a local entry only, left out of the central directory: a reader that
   * walks local headers (a streaming unzipper) finds it, one that reads the directory
   * does not. With a name used before, it replaces that part for the streaming reader.
   */
  hidden?: boolean;
  /**
   * Sizes and CRC after the data in a data descriptor (flag bit 3), the local header
   * holding zeros: how streaming writers (Java's ZipOutputStream, LibreOffice) write.
   */
  dataDescriptor?: boolean;
}

interface Compressed {
  name: Buffer;
  data: Buffer;
  crc: number;
  size: number;
  declaredSize?: number;
}

async function compress(part: ZipPart): Promise<Compressed> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  let crc = 0;
  let size = 0;
  for (const chunk of part.chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    crc = crc32(bytes, crc);
    size += bytes.length;
    if (!deflate.write(bytes)) {
      await once(deflate, 'drain');
    }
  }
  deflate.end();
  await once(deflate, 'end');
  return {
    name: Buffer.from(part.name),
    data: Buffer.concat(out),
    crc,
    size,
    declaredSize: part.declaredSize,
  };
}

export async function zip(parts: ZipPart[]): Promise<Buffer> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const c = await compress(part);
    const size = c.declaredSize ?? c.size;
    const flags = part.dataDescriptor ? 0x08 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0x21, 12);
    if (!part.dataDescriptor) {
      local.writeUInt32LE(c.crc, 14);
      local.writeUInt32LE(c.data.length, 18);
      local.writeUInt32LE(size, 22);
    }
    local.writeUInt16LE(c.name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(c.crc, 16);
    central.writeUInt32LE(c.data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(c.name.length, 28);
    central.writeUInt32LE(offset, 42);
    const descriptor = Buffer.alloc(part.dataDescriptor ? 16 : 0);
    if (part.dataDescriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(c.crc, 4);
      descriptor.writeUInt32LE(c.data.length, 8);
      descriptor.writeUInt32LE(size, 12);
    }
    locals.push(local, c.name, c.data, descriptor);
    if (!part.hidden) {
      centrals.push(central, c.name);
    }
    offset += local.length + c.name.length + c.data.length + descriptor.length;
  }
  const directory = Buffer.concat(centrals);
  const listed = parts.filter((p) => !p.hidden).length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(listed, 8);
  end.writeUInt16LE(listed, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One inline-string cell per value, column A, B, … */
export function sheetRow(index: number, values: string[]): string {
  const cells = values
    .map(
      (v, i) =>
        `<c r="${String.fromCharCode(65 + i)}${index}" t="inlineStr"><is><t>${escapeXml(v)}</t></is></c>`,
    )
    .join('');
  return `<row r="${index}">${cells}</row>`;
}

/**
 * A workbook of one sheet. `rows` is the sheet's `<row>` elements; `sharedStrings`, when
 * given, the content of the shared strings part (`<si>` elements).
 */
export function workbook(options: {
  rows: Iterable<string>;
  sharedStrings?: Iterable<string>;
  sharedStringsDeclaredSize?: number;
  /** Parts written after the usual ones (hidden ones, for instance). */
  extraParts?: ZipPart[];
  /** Every usual part with a data descriptor, as streaming writers do. */
  dataDescriptors?: boolean;
}): Promise<Buffer> {
  const shared = options.sharedStrings;
  const parts: ZipPart[] = [
    {
      name: '[Content_Types].xml',
      chunks: [
        `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`,
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`,
        `<Default Extension="xml" ContentType="application/xml"/>`,
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`,
        `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
        shared
          ? `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
          : '',
        `</Types>`,
      ],
    },
    {
      name: '_rels/.rels',
      chunks: [
        `${HEAD}<Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ],
    },
    {
      name: 'xl/workbook.xml',
      chunks: [
        `${HEAD}<workbook xmlns="${MAIN}" xmlns:r="${DOC_RELS}"><sheets><sheet name="Genes" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ],
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      chunks: [
        `${HEAD}<Relationships xmlns="${RELS}">`,
        `<Relationship Id="rId1" Type="${DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>`,
        shared
          ? `<Relationship Id="rId2" Type="${DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>`
          : '',
        `</Relationships>`,
      ],
    },
    {
      name: 'xl/worksheets/sheet1.xml',
      chunks: worksheet(options.rows),
    },
  ];
  if (shared) {
    parts.push({
      name: 'xl/sharedStrings.xml',
      declaredSize: options.sharedStringsDeclaredSize,
      chunks: (function* () {
        yield `${HEAD}<sst xmlns="${MAIN}">`;
        yield* shared;
        yield `</sst>`;
      })(),
    });
  }
  const usual = parts.map((p) => ({ ...p, dataDescriptor: options.dataDescriptors }));
  return zip([...usual, ...(options.extraParts ?? [])]);
}

/** A worksheet part holding `rows` (`<row>` elements), for extra parts. */
export function worksheet(rows: Iterable<string>): Iterable<string> {
  return (function* () {
    yield `${HEAD}<worksheet xmlns="${MAIN}"><sheetData>`;
    yield* batched(rows);
    yield `</sheetData></worksheet>`;
  })();
}

/** Joins many small strings into chunks of about 1 MB, so compressing them is quick. */
function* batched(pieces: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) {
    yield chunk;
  }
}

/** `count` repetitions of `text`, in pieces of about 1 MB. */
export function* repeated(text: string, count: number): Generator<string> {
  const perChunk = Math.max(1, Math.floor((1 << 20) / text.length));
  const piece = text.repeat(perChunk);
  for (let left = count; left > 0; left -= perChunk) {
    yield left >= perChunk ? piece : text.repeat(left);
  }
}

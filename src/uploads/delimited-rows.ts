import { UploadLimitExceeded } from './upload-limits.js';

/**
 * The rows of comma- or tab-separated text (RFC 4180: quoted fields may hold the
 * delimiter, newlines and doubled quotes), one at a time, so a reader can stop at its row
 * limit; a cell longer than `maxCellChars` stops the reading at once. Blank rows are
 * skipped.
 */
export function* delimitedRows(
  text: string,
  delimiter: string,
  maxCellChars: number,
): Generator<string[]> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const tooLong = () =>
    new UploadLimitExceeded(
      'cell_length',
      maxCellChars,
      `a cell is longer than ${maxCellChars} characters`,
    );
  const endRow = (): string[] | null => {
    row.push(cell);
    const done = row;
    row = [];
    cell = '';
    return done.some((v) => v.trim() !== '') ? done : null;
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c !== '"') {
        cell += c;
      } else if (body[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else {
        quoted = false;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') {
        i += 1;
      }
      const done = endRow();
      if (done) {
        yield done;
      }
      continue;
    } else {
      cell += c;
    }
    if (cell.length > maxCellChars) {
      throw tooLong();
    }
  }
  if (cell !== '' || row.length > 0) {
    const done = endRow();
    if (done) {
      yield done;
    }
  }
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The folders directly under src/ (each one Nest module or shared infrastructure). */
const folders = readdirSync(join(process.cwd(), 'src'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

/** The folders the module table of docs/architecture.md names, as `name/` in its first column. */
function documented(): string[] {
  const doc = readFileSync(join(process.cwd(), 'docs', 'architecture.md'), 'utf8');
  const section = doc.slice(
    doc.indexOf('## Modules'),
    doc.indexOf('\n## ', doc.indexOf('## Modules') + 1),
  );
  return [...section.matchAll(/^\| `([a-z-]+)\/`/gm)].map((m) => m[1]).sort();
}

describe('docs/architecture.md', () => {
  it('names every folder under src/ in its module table, and no folder that is gone', () => {
    expect(documented()).toEqual(folders);
  });

  it('reads the table as written: a missing or extra row is noticed', () => {
    // The parser itself must see rows, or the comparison above would hold vacuously.
    expect(documented().length).toBeGreaterThan(10);
    expect(documented()).toContain('sources');
  });
});

import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';

import * as prettier from 'prettier';

export interface BenchTable {
  /** Section heading; a later run replaces the section with the same title. */
  title: string;
  /** What was measured and against which baseline, in a sentence or two. */
  description: string;
  columns: string[];
  rows: (string | number)[][];
}

const FILE = 'docs/benchmarks.md';
const HEADER = `# Benchmarks

Produced by \`npm run bench\` (never by \`npm test\`). Each section is the latest run of one
benchmark; every figure is compared with a baseline measured in the same run, so ratios
are meaningful across machines even when absolute numbers are not. History is in git.
`;

/** The commit measured, marked when the code differed from it (a dirty tree under src or test). */
function commit(): string {
  const git = (args: string) =>
    execSync(`git ${args}`, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  try {
    const head = git('rev-parse --short HEAD');
    return git('status --porcelain -- src test migrations package.json') === ''
      ? head
      : `${head}+uncommitted`;
  } catch {
    return 'unknown';
  }
}

let probeMs: number | undefined;

/**
 * Milliseconds for a fixed single-threaded JavaScript loop, measured once per bench
 * process. It shows raw CPU speed, without the system-call and network-stack costs that
 * the baseline columns also carry; together they tell a slower CPU from a costlier host.
 */
function speedProbeMs(): number {
  if (probeMs === undefined) {
    const started = performance.now();
    let sum = 0;
    for (let i = 0; i < 3e8; i += 1) {
      sum += i;
    }
    probeMs = Math.round(performance.now() - started) + (sum < 0 ? 1 : 0);
  }
  return probeMs;
}

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${load} (1 / 5 / 15 min), speed probe ${speedProbeMs()} ms (a fixed JavaScript loop; lower is faster)`;
}

function renderTable(table: BenchTable): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [
    `## ${table.title}`,
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit \`${commit()}\`, ${machine()}.`,
    '',
    table.description,
    '',
    line(table.columns),
    line(table.columns.map(() => '---')),
    ...table.rows.map(line),
    '',
  ].join('\n');
}

/** Replaces (or adds) each table's section in docs/benchmarks.md, keeping the others. */
/** Each table rendered once, when first written: its Run line keeps that moment's time and load. */
const renderedTables = new WeakMap<BenchTable, string>();

function rendered(table: BenchTable): string {
  let text = renderedTables.get(table);
  if (text === undefined) {
    text = renderTable(table);
    renderedTables.set(table, text);
  }
  return text;
}

export async function writeTables(tables: BenchTable[]): Promise<void> {
  const current = existsSync(FILE) ? await readFile(FILE, 'utf8') : HEADER;
  const sections = new Map<string, string>();
  const order: string[] = [];
  for (const chunk of current.split(/\n(?=## )/).slice(1)) {
    const title = /^## (.+)$/m.exec(chunk)?.[1] ?? '';
    sections.set(title, chunk.trimEnd() + '\n');
    order.push(title);
  }
  for (const table of tables) {
    if (!sections.has(table.title)) {
      order.push(table.title);
    }
    sections.set(table.title, rendered(table));
  }
  const text = [HEADER, ...order.map((t) => sections.get(t))].join('\n');
  // Formatted as the repository's check wants it, so a bench run never leaves drift.
  const path = resolve(FILE);
  const options = (await prettier.resolveConfig(path)) ?? {};
  await writeFile(FILE, await prettier.format(text, { ...options, filepath: path }));
}

/**
 * Renders what the declarations in variables/ say into the three places people read about
 * configuration: `.env.example` (whole file), the README table and the reference in
 * docs/operations.md (each between BEGIN/END markers). `npm run config:docs` writes them;
 * `npm run config:check` and config-docs.spec.ts fail when a committed copy has drifted.
 */
import { format, resolveConfig } from 'prettier';

import type { Variable, VariableGroup } from './declare.js';
import { VARIABLE_GROUPS } from './variables/index.js';

export const ENV_EXAMPLE = '.env.example';
export const README = 'README.md';
export const REFERENCE = 'docs/operations.md';

const README_BLOCK = 'config-table';
const REFERENCE_BLOCK = 'config-reference';
const COMMENT_WIDTH = 92;
/** Longer defaults need a `shortDefault`, or the README table grows past any screen. */
const README_DEFAULT_MAX = 60;
const LIVE_NOTE = 'setting any source URL switches to live mode';

type Entry = readonly [name: string, variable: Variable<unknown>];

const entries = (group: VariableGroup): Entry[] => Object.entries(group.variables);

/** The text a default has in an environment file. */
function envText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return '';
}

const code = (text: string): string => `\`${text}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|');
const plain = (markdown: string): string => markdown.replace(/`/g, '');

function defaultCell([name, variable]: Entry, forReadme: boolean): string {
  const value = variable.defaultValue;
  if (value === undefined) {
    return variable.defaultLabel ?? 'unset';
  }
  if (value === '') {
    return variable.defaultLabel ?? 'empty';
  }
  if (forReadme && variable.shortDefault) {
    return variable.shortDefault;
  }
  const text = code(envText(value));
  if (forReadme && text.length > README_DEFAULT_MAX) {
    throw new Error(`${name}: a default this long needs a shortDefault for the README table`);
  }
  return text;
}

function wrapComment(text: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length + 1 + word.length > COMMENT_WIDTH && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

function envExampleVariable([name, variable]: Entry): string[] {
  let comment = plain(variable.doc);
  if (variable.switchesToLive) {
    // Written empty: a URL given here, even the default one, would switch to live mode.
    comment += `; default ${envText(variable.defaultValue)} (${LIVE_NOTE})`;
    return [...wrapComment(comment), `${name}=`];
  }
  if (variable.defaultLabel) {
    comment += `; default ${plain(variable.defaultLabel)}`;
  }
  return [...wrapComment(comment), `${name}=${envText(variable.defaultValue)}`];
}

export function renderEnvExample(groups: readonly VariableGroup[] = VARIABLE_GROUPS): string {
  const lines = [
    '# Kidney Genetics DB configuration. Every variable is optional; the value shown is the',
    '# default. The app reads the process environment (it does not load this file itself):',
    '# export what you change, or pass it through your process manager / compose file.',
    '# Generated from src/config/variables/ by `npm run config:docs`; edit there, not here.',
  ];
  for (const group of groups) {
    lines.push('', `# == ${group.title} ==`, ...wrapComment(plain(group.doc)));
    for (const entry of entries(group)) {
      lines.push(...envExampleVariable(entry));
    }
  }
  return `${lines.join('\n')}\n`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function renderReadmeTable(groups: readonly VariableGroup[] = VARIABLE_GROUPS): string {
  const rows = groups.flatMap((group) =>
    entries(group).map((entry) => [code(entry[0]), defaultCell(entry, true), entry[1].doc]),
  );
  return table(['variable', 'default', 'meaning'], rows);
}

function accepts([, variable]: Entry): string {
  return variable.switchesToLive ? `${variable.accepts}; ${LIVE_NOTE}` : variable.accepts;
}

export function renderReference(groups: readonly VariableGroup[] = VARIABLE_GROUPS): string {
  const sections = groups.map((group) => {
    const rows = entries(group).map((entry) => [
      code(entry[0]),
      defaultCell(entry, false),
      accepts(entry),
      entry[1].doc,
    ]);
    return [
      `### ${group.title}`,
      group.doc,
      table(['variable', 'default', 'accepts', 'meaning'], rows),
    ].join('\n\n');
  });
  return sections.join('\n\n');
}

/** Replaces what lies between a file's BEGIN and END markers for `block`. */
export function splice(document: string, block: string, content: string): string {
  const begin = new RegExp(`^<!-- BEGIN ${block}\\b.*-->$`, 'm').exec(document);
  const end = new RegExp(`^<!-- END ${block} -->$`, 'm').exec(document);
  if (!begin || !end || end.index < begin.index) {
    throw new Error(`no <!-- BEGIN ${block} … --> … <!-- END ${block} --> markers`);
  }
  const head = document.slice(0, begin.index + begin[0].length);
  return `${head}\n\n${content}\n\n${document.slice(end.index)}`;
}

async function prettify(path: string, text: string): Promise<string> {
  const options = await resolveConfig(path);
  return format(text, { ...options, filepath: path });
}

/**
 * What each generated file should hold, given a reader of the committed files (the markdown
 * files keep everything outside their markers, and are laid out as Prettier would).
 */
export async function generatedFiles(
  read: (path: string) => Promise<string>,
): Promise<Record<string, string>> {
  const readme = splice(await read(README), README_BLOCK, renderReadmeTable());
  const reference = splice(await read(REFERENCE), REFERENCE_BLOCK, renderReference());
  return {
    [ENV_EXAMPLE]: renderEnvExample(),
    [README]: await prettify(README, readme),
    [REFERENCE]: await prettify(REFERENCE, reference),
  };
}

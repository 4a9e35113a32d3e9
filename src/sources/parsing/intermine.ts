/**
 * InterMine web-service results (`format=json`, as MouseMine answers template queries):
 * `{views: [path…], results: [[cell…]…], wasSuccessful, error, statusCode}`, each row
 * aligned with `views`. Columns are picked by their view path, never by position, so a
 * template whose columns move still parses, and one that lost a column fails by name.
 */

interface InterMineAnswer {
  views?: unknown;
  results?: unknown;
  wasSuccessful?: unknown;
  error?: unknown;
  statusCode?: unknown;
}

/** Why an answer is unusable (an error reported, no rows, a needed column missing), or null. */
export function interMineProblem(body: unknown, paths: readonly string[]): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return 'not a results object';
  }
  const answer = body as InterMineAnswer;
  const error = typeof answer.error === 'string' && answer.error ? `: ${answer.error}` : '';
  if (answer.wasSuccessful === false) {
    return `wasSuccessful is false${error}`;
  }
  if (typeof answer.statusCode === 'number' && answer.statusCode !== 200) {
    return `statusCode ${answer.statusCode}${error}`;
  }
  if (error) {
    return `error reported${error}`;
  }
  if (!Array.isArray(answer.views) || !answer.views.every((v) => typeof v === 'string')) {
    return 'no views list';
  }
  const missing = paths.filter((p) => !(answer.views as string[]).includes(p));
  if (missing.length > 0) {
    return `no column ${missing.join(', ')} in views`;
  }
  if (!Array.isArray(answer.results)) {
    return 'no results list';
  }
  const width = answer.views.length;
  const bad = answer.results.findIndex((r) => !Array.isArray(r) || r.length !== width);
  if (bad >= 0) {
    return `row ${bad} does not match the ${width} views`;
  }
  return null;
}

/**
 * The rows of an answer as records of the named columns (`name → view path`). Call it on
 * an answer `interMineProblem` accepted; it throws on one it would have rejected.
 */
export function interMineRows<K extends string>(
  body: unknown,
  columns: Readonly<Record<K, string>>,
): Record<K, unknown>[] {
  const problem = interMineProblem(body, Object.values(columns));
  if (problem) {
    throw new Error(`InterMine answer: ${problem}`);
  }
  const { views, results } = body as { views: string[]; results: unknown[][] };
  const index = Object.entries(columns).map(
    ([name, path]) => [name, views.indexOf(path as string)] as const,
  );
  return results.map(
    (row) => Object.fromEntries(index.map(([name, i]) => [name, row[i]])) as Record<K, unknown>,
  );
}

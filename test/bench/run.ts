/**
 * `npm run bench`: runs every benchmark (or those named on the command line) and
 * writes their tables to docs/benchmarks.md.
 */
import { abuseBenchmark } from './abuse.bench.js';
import { annotationsBenchmark } from './annotations.bench.js';
import { cacheBenchmark } from './cache.bench.js';
import { exportsBenchmark } from './exports.bench.js';
import { genesBenchmark } from './genes.bench.js';
import { httpBenchmark } from './http.bench.js';
import { loggingBenchmark } from './logging.bench.js';
import { networkBenchmark } from './network.bench.js';
import { pipelineBenchmark } from './pipeline.bench.js';
import { pipelineControlBenchmark } from './pipeline-control.bench.js';
import { releasesBenchmark } from './releases.bench.js';
import { type BenchTable, writeTables } from './report.js';
import { routedBenchmark } from './routed.bench.js';
import { scaleBenchmark } from './scale.bench.js';
import { startupBenchmark } from './startup.bench.js';
import { upstreamBenchmark } from './upstream.bench.js';

/** Each benchmark writes one table, or several sections of the same subject. */
const BENCHMARKS: Record<string, () => Promise<BenchTable | BenchTable[]>> = {
  startup: startupBenchmark,
  cache: cacheBenchmark,
  logging: loggingBenchmark,
  genes: genesBenchmark,
  http: httpBenchmark,
  routed: routedBenchmark,
  upstream: upstreamBenchmark,
  pipeline: async () => [await pipelineBenchmark(), await pipelineControlBenchmark()],
  annotations: annotationsBenchmark,
  abuse: abuseBenchmark,
  exports: exportsBenchmark,
  releases: releasesBenchmark,
  network: networkBenchmark,
  scale: scaleBenchmark,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(BENCHMARKS);
  const tables: BenchTable[] = [];
  for (const name of names) {
    const bench = BENCHMARKS[name];
    if (!bench) {
      throw new Error(`unknown benchmark ${name}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    }
    process.stdout.write(`running ${name}…\n`);
    for (const table of [await bench()].flat()) {
      tables.push(table);
      process.stdout.write(`${JSON.stringify(table.rows)}\n`);
    }
    // Written after each benchmark: one that fails later does not lose the sections before it.
    await writeTables(tables);
  }
  process.stdout.write('wrote docs/benchmarks.md\n');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Clock ticks per second of /proc's CPU counters (USER_HZ). */
function ticksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

const TICKS = process.platform === 'linux' ? ticksPerSecond() : 100;

interface ProcStat {
  ppid: number;
  /** User plus system CPU seconds. */
  cpu: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; fields follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is the state (field 3); ppid is field 4, utime 14, stime 15.
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by one process, or undefined where /proc cannot tell. */
export function processCpu(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : readStat(pid)?.cpu;
}

/** CPU seconds used so far by each process of a group, by pid. */
export type CpuReading = Map<number, number>;

/**
 * A reading of a PostgreSQL server's processes: the postmaster named in the data
 * directory's `postmaster.pid` and every live process it started (backends, writers).
 */
export function postgresCpu(dataDir: string): CpuReading | undefined {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  const own = readStat(postmaster);
  if (!own) {
    return undefined;
  }
  const reading: CpuReading = new Map([[postmaster, own.cpu]]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const stat = readStat(Number(entry));
    if (stat?.ppid === postmaster) {
      reading.set(Number(entry), stat.cpu);
    }
  }
  return reading;
}

/**
 * CPU seconds the group used between two readings: the growth of every process alive
 * at the second, counting a process started in between from zero. A process that
 * exited in between takes its seconds with it, so the figure can only be low.
 */
export function cpuBetween(before: CpuReading, after: CpuReading): number {
  let total = 0;
  for (const [pid, cpu] of after) {
    total += cpu - (before.get(pid) ?? 0);
  }
  return total;
}

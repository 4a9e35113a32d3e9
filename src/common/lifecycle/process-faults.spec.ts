import { EventEmitter } from 'node:events';

import { pino } from 'pino';

import { installProcessFaultPolicy } from './process-faults.js';

function setup(shutdown: () => Promise<void> = () => Promise.resolve()) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { base: undefined },
    {
      write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  );
  const target = new EventEmitter();
  const exits: number[] = [];
  let counted = 0;
  let shutdowns = 0;
  const uninstall = installProcessFaultPolicy(target as unknown as NodeJS.Process, {
    logger,
    countRejection: () => (counted += 1),
    shutdown: () => {
      shutdowns += 1;
      return shutdown();
    },
    shutdownTimeoutMs: 60_000,
    exit: (code) => exits.push(code),
  });
  return {
    target,
    lines,
    exits,
    uninstall,
    counted: () => counted,
    shutdowns: () => shutdowns,
  };
}

describe('installProcessFaultPolicy', () => {
  it('logs and counts an unhandled rejection and keeps the process running', () => {
    const s = setup();
    s.target.emit('unhandledRejection', new Error('connection terminated'), Promise.resolve());
    expect(s.counted()).toBe(1);
    expect(s.exits).toEqual([]);
    expect(s.shutdowns()).toBe(0);
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]).toMatchObject({
      level: 50,
      fault: 'unhandled_rejection',
      err: { type: 'Error', message: 'connection terminated' },
    });
  });

  it('shuts the app down on an uncaught exception and exits with 1 once it has closed', async () => {
    let closed!: () => void;
    const s = setup(() => new Promise<void>((resolve) => (closed = resolve)));
    s.target.emit('uncaughtException', new TypeError('x is undefined'), 'uncaughtException');
    expect(s.lines[0]).toMatchObject({ level: 60, err: { type: 'TypeError' } });
    expect(s.shutdowns()).toBe(1);
    expect(s.exits).toEqual([]);
    closed();
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.exits).toEqual([1]);
  });

  it('exits at once on a second uncaught exception during shutdown', () => {
    const s = setup(() => new Promise<void>(() => undefined));
    s.target.emit('uncaughtException', new Error('first'), 'uncaughtException');
    s.target.emit('uncaughtException', new Error('second'), 'uncaughtException');
    expect(s.shutdowns()).toBe(1);
    expect(s.exits).toEqual([1]);
  });

  it('removes its listeners when uninstalled', () => {
    const s = setup();
    s.uninstall();
    expect(s.target.listenerCount('unhandledRejection')).toBe(0);
    expect(s.target.listenerCount('uncaughtException')).toBe(0);
  });
});

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The compiled worker module `name` beside the calling module (`here`, its
 * `import.meta.url`). In dist/ that is the file next to it; when the caller is the
 * TypeScript source (jest runs src through swc), the build's copy: `npm test` builds first.
 */
export function compiledWorker(here: string, name: string): URL {
  const file = here.endsWith('.ts')
    ? new URL(`./${name}.js`, here.replace(/\/src\/(?!.*\/src\/)/, '/dist/src/'))
    : new URL(`./${name}.js`, here);
  if (!existsSync(fileURLToPath(file))) {
    throw new Error(`the worker ${fileURLToPath(file)} is missing; run npm run build`);
  }
  return file;
}

/**
 * At most `parallel` tasks at once; up to `maxWaiting` more wait their turn, and one more
 * is refused at once with `busy(waiting)`, so CPU-heavy work never takes every core and a
 * burst does not queue without bound.
 */
export class WorkerSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly parallel: number,
    private readonly maxWaiting: number,
    private readonly busy: (waiting: number) => Error,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.parallel) {
      this.running += 1;
    } else if (this.waiting.length >= this.maxWaiting) {
      throw this.busy(this.waiting.length);
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is given back.
      const next = this.waiting.shift();
      if (next) {
        next();
      } else {
        this.running -= 1;
      }
    }
  }
}

export interface WorkerTask {
  workerData: unknown;
  transferList?: ArrayBuffer[];
  /** The worker's old-generation heap cap. */
  heapMb: number;
  timeoutMs: number;
  /** The error for a worker stopped at `timeoutMs`. */
  onTimeout: () => Error;
  /** The error for a worker past `heapMb`. */
  onOutOfMemory: () => Error;
}

/**
 * Runs `file` in a worker thread of its own and resolves with the one message it posts.
 * The worker is stopped once it has answered, failed, or run past the time limit.
 */
export function runWorker(file: URL, task: WorkerTask): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, {
      workerData: task.workerData,
      transferList: task.transferList,
      resourceLimits: { maxOldGenerationSizeMb: task.heapMb },
    });
    let settled = false;
    const settle = (outcome: () => unknown) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      try {
        resolve(outcome());
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const timer = setTimeout(
      () =>
        settle(() => {
          throw task.onTimeout();
        }),
      task.timeoutMs,
    );
    worker.once('message', (reply: unknown) => settle(() => reply));
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() => {
        throw error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? task.onOutOfMemory() : error;
      }),
    );
    worker.once('exit', (code) =>
      settle(() => {
        throw new Error(`worker ${fileURLToPath(file)} exited (code ${code}) without an answer`);
      }),
    );
  });
}

/**
 * One long-lived worker thread answering one request at a time (the caller serialises,
 * e.g. through WorkerSlots): a module with heavy imports is loaded once, not per request.
 * The worker answers each message it gets with one message. One that fails, exits, or
 * runs past a request's time limit is stopped, and the next request starts a new one.
 * It never keeps the process alive.
 */
export class PersistentWorker {
  private worker?: Worker;

  constructor(
    private readonly file: URL,
    private readonly heapMb: number,
  ) {}

  request(
    message: unknown,
    limits: Pick<WorkerTask, 'timeoutMs' | 'onTimeout' | 'onOutOfMemory'>,
  ): Promise<unknown> {
    const worker = (this.worker ??= this.start());
    return new Promise((resolve, reject) => {
      const done = (outcome: () => unknown, stop: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (stop) {
          this.stop(worker);
        }
        try {
          resolve(outcome());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const onMessage = (reply: unknown) => done(() => reply, false);
      const onError = (error: Error & { code?: string }) =>
        done(() => {
          throw error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? limits.onOutOfMemory() : error;
        }, true);
      const onExit = (code: number) =>
        done(() => {
          throw new Error(
            `worker ${fileURLToPath(this.file)} exited (code ${code}) without an answer`,
          );
        }, true);
      const timer = setTimeout(
        () =>
          done(() => {
            throw limits.onTimeout();
          }, true),
        limits.timeoutMs,
      );
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage(message);
    });
  }

  /** Stops the worker, if one runs. */
  async close(): Promise<void> {
    if (this.worker) {
      const worker = this.worker;
      this.worker = undefined;
      await worker.terminate();
    }
  }

  private start(): Worker {
    const worker = new Worker(this.file, {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
    });
    worker.unref();
    // Between requests nobody listens: an exit then only means the next request starts anew.
    worker.on('exit', () => {
      if (this.worker === worker) {
        this.worker = undefined;
      }
    });
    worker.on('error', () => undefined);
    return worker;
  }

  private stop(worker: Worker): void {
    if (this.worker === worker) {
      this.worker = undefined;
    }
    void worker.terminate();
  }
}

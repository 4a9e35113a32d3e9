import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';

import { runInBackground } from '../common/background.js';
import { DatabaseEndpoint } from '../database/database-endpoint.js';
import { guardJobCompletions } from './pg-boss-completions.js';
import { PipelineRepository } from './pipeline.repository.js';

export const RUN_QUEUE = 'pipeline-run';
const SCHEDULE_PREFIX = 'pipeline-schedule-';

/** Another module's job: data in, done when the promise settles (a rejection fails the job). */
export type JobHandler = (data: Record<string, unknown>) => Promise<void>;

/**
 * The PostgreSQL-backed job queue (pg-boss) runs are handed to, so any instance can take
 * up a run and a run outlives the process that queued it; also the cluster-safe cron.
 */
@Injectable()
export class PipelineQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(PipelineQueue.name);
  private boss?: PgBoss;
  private onSchedule?: (source: string) => Promise<void>;
  /** Schedule queues this instance works on. */
  private readonly working = new Set<string>();
  /** Other modules' queues (e.g. backups), worked on by every instance. */
  private readonly jobs = new Map<string, JobHandler>();
  /** Schedules asked for before the queue started. */
  private readonly jobSchedules = new Map<
    string,
    { cron: string | undefined; data: Record<string, unknown> }
  >();

  constructor(
    private readonly endpoint: DatabaseEndpoint,
    private readonly repository: PipelineRepository,
  ) {}

  async start(
    onRun: (runId: string) => Promise<void>,
    onSchedule: (source: string) => Promise<void>,
    schedules: Readonly<Record<string, string>>,
  ): Promise<void> {
    guardJobCompletions();
    const boss = new PgBoss({
      connectionString: this.endpoint.url,
      max: 3,
      application_name: 'kgdb-pipeline-queue',
      // Our own lease decides who works on a run; the job only has to arrive.
      expireInHours: 23,
      retryLimit: 0,
    });
    boss.on('error', (error) => this.logger.warn({ err: error }, 'job queue error'));
    // Instances starting together would deadlock creating the same queues: one at a time.
    await this.repository.withQueueSetupLock(async () => {
      await boss.start();
      await boss.createQueue(RUN_QUEUE);
    });
    this.boss = boss;
    await boss.work<{ runId: string }>(
      RUN_QUEUE,
      { pollingIntervalSeconds: 0.5, batchSize: 1 },
      ([job]) => {
        // Runs last long: the job only starts one; the run record tracks the rest.
        runInBackground(this.logger, `pipeline run ${job.data.runId}`, () => onRun(job.data.runId));
        return Promise.resolve();
      },
    );
    this.onSchedule = onSchedule;
    await this.applySchedules(schedules);
    for (const [name, handler] of this.jobs) {
      await this.workOn(boss, name, handler);
    }
    for (const [name, { cron, data }] of this.jobSchedules) {
      await this.scheduleJob(name, cron, data);
    }
  }

  /**
   * Has this queue carry another module's jobs: `handler` runs each job of queue `name`,
   * one at a time per instance, on whichever instance takes it; the job stays active
   * until the handler settles. Registered before start, it is worked on once started.
   */
  async registerJob(name: string, handler: JobHandler): Promise<void> {
    this.jobs.set(name, handler);
    if (this.boss) {
      await this.workOn(this.boss, name, handler);
    }
  }

  private async workOn(boss: PgBoss, name: string, handler: JobHandler): Promise<void> {
    await this.repository.withQueueSetupLock(() => boss.createQueue(name));
    await boss.work<Record<string, unknown>>(
      name,
      { pollingIntervalSeconds: 0.5, batchSize: 1 },
      ([job]) => handler(job.data),
    );
  }

  /** Queues a job of a registered queue. */
  async sendJob(name: string, data: Record<string, unknown>): Promise<void> {
    if (!this.boss) {
      throw new Error('job queue not started');
    }
    await this.boss.send(name, data);
  }

  /**
   * Fires a job of queue `name` on `cron` (UTC), once across instances; undefined removes
   * the schedule. Idempotent, so every instance may apply the configured value.
   */
  async scheduleJob(
    name: string,
    cron: string | undefined,
    data: Record<string, unknown>,
  ): Promise<void> {
    const boss = this.boss;
    if (!boss) {
      this.jobSchedules.set(name, { cron, data });
      return;
    }
    await this.repository.withQueueSetupLock(async () => {
      await boss.createQueue(name);
      if (cron) {
        await boss.schedule(name, cron, data);
      } else if ((await boss.getSchedules()).some((s) => s.name === name)) {
        await boss.unschedule(name);
      }
    });
  }

  get started(): boolean {
    return this.boss !== undefined;
  }

  /**
   * Makes the shared queue's schedules equal `schedules` (source → cron) and has this
   * instance work on each. Idempotent: every instance applies the same value when the
   * schedule changes at runtime; pg-boss fires each schedule once across instances.
   */
  async applySchedules(schedules: Readonly<Record<string, string>>): Promise<void> {
    const boss = this.boss;
    const onSchedule = this.onSchedule;
    if (!boss || !onSchedule) {
      return;
    }
    const wanted = new Set(
      Object.keys(schedules).map((s) => `${SCHEDULE_PREFIX}${s.toLowerCase()}`),
    );
    await this.repository.withQueueSetupLock(async () => {
      for (const [source, cron] of Object.entries(schedules)) {
        const name = `${SCHEDULE_PREFIX}${source.toLowerCase()}`;
        await boss.createQueue(name);
        await boss.schedule(name, cron, { source });
      }
      for (const schedule of await boss.getSchedules()) {
        if (schedule.name.startsWith(SCHEDULE_PREFIX) && !wanted.has(schedule.name)) {
          await boss.unschedule(schedule.name);
          this.logger.log({ schedule: schedule.name }, 'removed a schedule no longer configured');
        }
      }
    });
    for (const name of wanted) {
      if (this.working.has(name)) {
        continue;
      }
      await boss.work<{ source: string }>(name, async ([job]) => onSchedule(job.data.source));
      this.working.add(name);
    }
    for (const name of [...this.working]) {
      if (wanted.has(name)) {
        continue;
      }
      await boss.offWork(name);
      this.working.delete(name);
    }
  }

  /** Queues a run; `attempt` makes a resumed run's job distinct from its first one. */
  async enqueue(runId: string, attempt: number): Promise<void> {
    if (!this.boss) {
      throw new Error('job queue not started');
    }
    await this.boss.send(RUN_QUEUE, { runId }, { singletonKey: `${runId}:${attempt}` });
  }

  async onApplicationShutdown(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    if (boss) {
      await boss.stop({ graceful: false, close: true, timeout: 2000 });
    }
  }
}

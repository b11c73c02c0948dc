/**
 * Streams, tasks and their SYSTEM$ functions for the local Snowflake endpoint, plugged into the
 * engine through `EngineExtension`.
 */
import { ManualClock } from '../engine/clock.js';
import type { Clock, EngineContext, EngineExtension, EngineHandle } from '../engine/extension.js';
import { compilationError } from '../objects/snowflake-error.js';
import { shortName } from './sql-text.js';
import { StreamCatalog } from './stream-catalog.js';
import { measureHighWater, tableIdentity } from './high-water.js';
import { streamHandlers, streamHasData } from './stream-handlers.js';
import { streamReadHandler } from './stream-reads.js';
import { callsSystemFunction, replaceSystemCalls } from './system-functions.js';
import type { SystemFunctions } from './system-functions.js';
import { TaskCatalog } from './task-catalog.js';
import type { TaskDefinition } from './task-catalog.js';
import { taskHandlers } from './task-handlers.js';
import type { TaskControl } from './task-handlers.js';
import { readsTaskHistory, replaceTaskHistory } from './task-history.js';
import type { TaskRun } from './task-history.js';
import { TaskRunner } from './task-runner.js';

export type { TaskRun } from './task-history.js';
export type { StreamDefinition } from './stream-catalog.js';
export type { TaskDefinition, TaskState } from './task-catalog.js';

export interface ChangesExtensionOptions {
  /**
   * Fire due tasks from a timer. Defaults to true unless the engine's clock is a `ManualClock`
   * (tests then call `runDueTasks()` after advancing it).
   */
  readonly autoRun?: boolean;
  /** The timer's period in milliseconds (default 1000). */
  readonly pollIntervalMs?: number;
  /** How many task runs the history keeps (default 10 000, oldest dropped first). */
  readonly historyLimit?: number;
}

export interface ChangesExtension extends EngineExtension {
  /** Runs every started root task whose next fire time has passed on the engine's clock, then its children. */
  runDueTasks(): Promise<TaskRun[]>;
  /** Every recorded task run, oldest first. */
  taskHistory(): readonly TaskRun[];
  /** The next fire time of a started root task (`DB.SCHEMA.NAME`), undefined when it has none. */
  nextRunOf(qualifiedTaskName: string): Date | undefined;
}

/** Creates the streams-and-tasks extension; the engine composes it into `startSnowflakeLocal`. */
export function createChangesExtension(opts: ChangesExtensionOptions = {}): ChangesExtension {
  const streams = new StreamCatalog();
  const tasks = new TaskCatalog();
  const history: TaskRun[] = [];
  const historyLimit = opts.historyLimit ?? 10_000;
  let engine: EngineHandle | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Internal sessions (one per database) that measure high waters outside any user's transaction. */
  const probeSessions = new Map<string, Promise<EngineContext & { close(): Promise<void> }>>();
  const probeSessionIds = new Set<string>();
  // One graph run at a time: the emulator never overlaps runs (ALLOW_OVERLAPPING_EXECUTION = FALSE).
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };

  const requireEngine = (): EngineHandle => {
    if (!engine) throw new Error('The streams and tasks extension was used before the engine started it.');
    return engine;
  };
  const clock: Clock = { now: () => requireEngine().clock.now() };

  streams.useProbe(async (table) => {
    const database = table.split('.')[0] ?? '';
    let session = probeSessions.get(database);
    if (!session) {
      session = requireEngine()
        .openSession({ user: 'SYSTEM', role: 'ACCOUNTADMIN', database: database.replace(/"/g, ''), schema: 'PUBLIC' })
        .then(
          (s) => {
            probeSessionIds.add(s.session.id);
            return s;
          },
          (e: unknown) => {
            probeSessions.delete(database); // try again on the next refresh
            throw e;
          },
        );
      probeSessions.set(database, session);
    }
    const ctx = await session;
    return { highWater: await measureHighWater(ctx, table), identity: await tableIdentity(ctx, table) };
  });

  const fns: SystemFunctions = {
    streamHasData: (ctx, name) => streamHasData(streams, ctx, name),
    taskDependentsEnable: async (ctx, name) => {
      const root = tasks.require(ctx.qualify(name));
      if (root.options.predecessors.length > 0) throw compilationError(`Task ${shortName(root.name)} is not a root task.`, '091093', '22000');
      // Children first, so the root never runs with a child still suspended.
      for (const t of tasks.graphOrder(root).reverse()) control.resume(t);
      return `Task dependents of ${shortName(root.name)} enabled.`;
    },
  };

  const record = (run: TaskRun): void => {
    history.push(run);
    if (history.length > historyLimit) history.splice(0, history.length - historyLimit);
  };

  const runner = new TaskRunner({
    tasks,
    clock,
    engine: requireEngine,
    beforeRun: () => streams.refresh(),
    evaluateCondition: async (ctx, condition) => {
      const text = (await replaceSystemCalls(condition, ctx, fns)).trim();
      if (/^TRUE$/i.test(text)) return true;
      if (/^FALSE$/i.test(text)) return false;
      const result = await ctx.sql(`SELECT (${text}) AS CONDITION_VALUE`);
      const value = result.rows[0]?.[0];
      return value === '1' || value?.toLowerCase() === 'true';
    },
    record,
  });

  const control: TaskControl = {
    tasks,
    resume(task: TaskDefinition): void {
      const now = clock.now();
      task.state = 'started';
      task.resumedAt = now;
      task.consecutiveFailures = 0;
      const schedule = task.options.predecessors.length === 0 ? task.options.schedule : undefined;
      task.nextFire = schedule?.next(now, now);
    },
    suspend(task: TaskDefinition): void {
      task.state = 'suspended';
      task.nextFire = undefined;
    },
    execute: (root) => serialized(() => runner.runGraph(root, clock.now(), 'EXECUTE_TASK')),
  };

  const runDueTasks = (): Promise<TaskRun[]> =>
    serialized(async () => {
      const now = clock.now();
      const runs: TaskRun[] = [];
      for (const root of tasks.list()) {
        const schedule = root.options.schedule;
        if (root.state !== 'started' || root.options.predecessors.length > 0 || !schedule || !root.nextFire) continue;
        if (root.nextFire.getTime() > now.getTime()) continue;
        const scheduled = root.nextFire;
        // Snowflake runs a late task once, not once per missed slot.
        root.nextFire = schedule.next(now, root.resumedAt ?? now);
        runs.push(...(await runner.runGraph(root, scheduled, 'SCHEDULE')));
      }
      return runs;
    });

  const changeHandlers = [
    ...taskHandlers(control),
    ...streamHandlers(streams),
    streamReadHandler(streams),
    {
      name: 'system-functions',
      matches: (sql: string): boolean => !/^(CREATE\s+(OR\s+REPLACE\s+)?TASK|ALTER\s+TASK)\b/i.test(sql) && (callsSystemFunction(sql) || readsTaskHistory(sql)),
      execute: async (ctx: EngineContext, sql: string, binds: readonly unknown[]) => {
        let text = sql;
        if (callsSystemFunction(text)) text = await replaceSystemCalls(text, ctx, fns);
        if (readsTaskHistory(text)) text = await replaceTaskHistory(text, ctx, history);
        return ctx.sql(text, binds);
      },
    },
  ];

  return {
    handlers: changeHandlers,
    relation(qualifiedName, ctx, statementKind) {
      const stream = streams.get(qualifiedName);
      return stream ? streams.read(stream, ctx, statementKind) : undefined;
    },
    onTransactionEnd(ctx, committed) {
      if (probeSessionIds.has(ctx.session.id)) return; // probes never read a stream
      streams.endTransaction(ctx.session.id, committed);
    },
    async start(handle) {
      engine = handle;
      const autoRun = opts.autoRun ?? !(handle.clock instanceof ManualClock);
      if (autoRun) {
        timer = setInterval(() => {
          runDueTasks().catch(() => undefined);
        }, opts.pollIntervalMs ?? 1000);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await queue;
      const sessions = [...probeSessions.values()];
      probeSessions.clear();
      for (const s of sessions) await (await s).close();
    },
    runDueTasks,
    taskHistory: () => history,
    nextRunOf: (name) => tasks.get(name)?.nextFire,
  };
}

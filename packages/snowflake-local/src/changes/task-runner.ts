/**
 * Runs task graphs: the root, then each child whose predecessors finished, every task in its own
 * internal session as the task's owner on the task's database and schema.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, EngineContext, EngineHandle } from '../engine/extension.js';
import { splitStatements } from '../engine/sql-tokenizer.js';
import { TokenCursor } from './sql-text.js';
import type { TaskCatalog, TaskDefinition } from './task-catalog.js';
import type { TaskRun } from './task-history.js';

export interface TaskRunnerDeps {
  readonly tasks: TaskCatalog;
  readonly clock: Clock;
  engine(): EngineHandle;
  /** Called before a task's WHEN and body so they see every commit made so far. */
  beforeRun(): Promise<void>;
  /** Evaluates a WHEN condition in the task's session. */
  evaluateCondition(ctx: EngineContext, condition: string): Promise<boolean>;
  record(run: TaskRun): void;
}

/** The statements of a body: one statement, or the statements of a `BEGIN ... END` block. */
export function bodyStatements(definition: string): string[] {
  const cur = new TokenCursor(definition);
  const first = cur.tokens[0];
  const second = cur.tokens[1];
  const isBlock =
    first?.kind === 'word' &&
    first.value.toUpperCase() === 'BEGIN' &&
    !(second?.kind === 'word' && /^(TRANSACTION|WORK|NAME)$/i.test(second.value)) &&
    second?.text !== ';';
  if (!isBlock) return splitStatements(definition);
  let endIndex = cur.tokens.length - 1;
  if (cur.tokens[endIndex]?.text === ';') endIndex--;
  const end = cur.tokens[endIndex];
  if (!end || end.kind !== 'word' || end.value.toUpperCase() !== 'END') throw cur.error('a BEGIN block must close with END', end);
  return splitStatements(definition.slice(first.pos + first.text.length, end.pos));
}

type Outcome = TaskRun['state'] | 'PASSED_THROUGH';

export class TaskRunner {
  constructor(private readonly deps: TaskRunnerDeps) {}

  /** Runs the graph rooted at `root` once; returns the runs in the order they happened. */
  async runGraph(root: TaskDefinition, scheduledTime: Date, trigger: TaskRun['trigger']): Promise<TaskRun[]> {
    const graphRunGroupId = randomUUID();
    const outcomes = new Map<string, Outcome>();
    const runs: TaskRun[] = [];
    for (const task of this.deps.tasks.graphOrder(root)) {
      if (task !== root) {
        const parents = task.options.predecessors.map((p) => outcomes.get(p));
        // A child waits for every predecessor: one that failed or never ran stops it; it runs when at
        // least one ran to success (a suspended task in between passes through).
        if (parents.some((o) => o === undefined || o === 'FAILED')) continue;
        if (!parents.some((o) => o === 'SUCCEEDED' || o === 'PASSED_THROUGH')) continue;
        if (task.state === 'suspended') {
          outcomes.set(task.name, 'PASSED_THROUGH');
          continue;
        }
      }
      const attempts = task === root ? 1 + task.options.taskAutoRetryAttempts : 1;
      let run: TaskRun | undefined;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        run = await this.runOne(task, root, scheduledTime, trigger, graphRunGroupId, attempt);
        runs.push(run);
        this.deps.record(run);
        if (run.state !== 'FAILED') break;
      }
      outcomes.set(task.name, run!.state);
      this.countFailures(task, run!.state);
      if (task === root && run!.state === 'SKIPPED') break;
    }
    return runs;
  }

  private countFailures(task: TaskDefinition, state: TaskRun['state']): void {
    if (state === 'FAILED') {
      task.consecutiveFailures++;
      const limit = task.options.suspendTaskAfterNumFailures;
      if (limit > 0 && task.consecutiveFailures >= limit) {
        task.state = 'suspended';
        task.nextFire = undefined;
      }
    } else if (state === 'SUCCEEDED') task.consecutiveFailures = 0;
  }

  private async runOne(
    task: TaskDefinition,
    root: TaskDefinition,
    scheduledTime: Date,
    trigger: TaskRun['trigger'],
    graphRunGroupId: string,
    attemptNumber: number,
  ): Promise<TaskRun> {
    const base = {
      name: task.name,
      scheduledTime,
      condition: task.options.condition,
      definition: task.definition,
      rootTaskName: root.name,
      graphRunGroupId,
      attemptNumber,
      trigger,
    };
    let session: (EngineContext & { close(): Promise<void> }) | undefined;
    let queryStartTime: Date | undefined;
    try {
      session = await this.deps.engine().openSession({
        user: task.ownerUser,
        role: task.ownerRole,
        database: task.database,
        schema: task.schema,
        ...(task.options.warehouse !== undefined ? { warehouse: task.options.warehouse } : {}),
      });
      await this.deps.beforeRun();
      if (task.options.condition !== undefined && !(await this.deps.evaluateCondition(session, task.options.condition))) {
        return { ...base, state: 'SKIPPED', queryStartTime: undefined, completedTime: this.deps.clock.now(), errorCode: undefined, errorMessage: undefined };
      }
      queryStartTime = this.deps.clock.now();
      for (const statement of bodyStatements(task.definition)) await session.sql(statement);
      // A body that opened a transaction and never committed it ends like Snowflake's: rolled back.
      if (session.session.inTransaction) {
        await session.sql('ROLLBACK');
        throw new Error('Task body left a transaction open; it was rolled back.');
      }
      return { ...base, state: 'SUCCEEDED', queryStartTime, completedTime: this.deps.clock.now(), errorCode: undefined, errorMessage: undefined };
    } catch (e) {
      if (session?.session.inTransaction) await session.sql('ROLLBACK').catch(() => undefined);
      const error = e as Error & { code?: unknown };
      return {
        ...base,
        state: 'FAILED',
        queryStartTime,
        completedTime: this.deps.clock.now(),
        errorCode: typeof error.code === 'string' ? error.code : undefined,
        errorMessage: error.message,
      };
    } finally {
      await session?.close();
    }
  }
}

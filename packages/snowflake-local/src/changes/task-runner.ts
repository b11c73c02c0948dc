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

/**
 * A task body: its statements and, for a Snowflake Scripting block, the statements of its
 * `EXCEPTION WHEN ... THEN` handler (run only when a body statement fails).
 */
export interface TaskBody {
  readonly statements: readonly string[];
  readonly handler?: readonly string[];
}

const HANDLER_CONDITIONS = /^(OTHER|STATEMENT_ERROR|EXPRESSION_ERROR)$/i;

/** Splits a body: one statement, or a `BEGIN ... [EXCEPTION WHEN <cond> THEN ...] END` block. */
export function taskBody(definition: string): TaskBody {
  const cur = new TokenCursor(definition);
  const first = cur.tokens[0];
  const second = cur.tokens[1];
  const isBlock =
    first?.kind === 'word' &&
    first.value.toUpperCase() === 'BEGIN' &&
    !(second?.kind === 'word' && /^(TRANSACTION|WORK|NAME)$/i.test(second.value)) &&
    second?.text !== ';';
  if (!isBlock) return { statements: splitStatements(definition) };
  let endIndex = cur.tokens.length - 1;
  if (cur.tokens[endIndex]?.text === ';') endIndex--;
  const end = cur.tokens[endIndex];
  if (!end || end.kind !== 'word' || end.value.toUpperCase() !== 'END') throw cur.error('a BEGIN block must close with END', end);
  // The handler starts at an EXCEPTION keyword that begins a statement (right after a `;`).
  const exceptionIndex = cur.tokens.findIndex((t, i) => i > 0 && i < endIndex && t.kind === 'word' && t.value.toUpperCase() === 'EXCEPTION' && cur.tokens[i - 1]?.text === ';');
  if (exceptionIndex < 0) return { statements: splitStatements(definition.slice(first.pos + first.text.length, end.pos)) };
  const exception = cur.tokens[exceptionIndex]!;
  const when = cur.tokens[exceptionIndex + 1];
  const condition = cur.tokens[exceptionIndex + 2];
  const then = cur.tokens[exceptionIndex + 3];
  if (when?.kind !== 'word' || when.value.toUpperCase() !== 'WHEN' || condition?.kind !== 'word' || !HANDLER_CONDITIONS.test(condition.value) || then?.kind !== 'word' || then.value.toUpperCase() !== 'THEN') {
    throw cur.error('the local endpoint supports one handler of the form EXCEPTION WHEN OTHER | STATEMENT_ERROR | EXPRESSION_ERROR THEN ...', when ?? exception);
  }
  return {
    statements: splitStatements(definition.slice(first.pos + first.text.length, exception.pos)),
    handler: splitStatements(definition.slice(then.pos + then.text.length, end.pos)),
  };
}

/** The statements of a body without its exception handler. */
export function bodyStatements(definition: string): string[] {
  return [...taskBody(definition).statements];
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
      const body = taskBody(task.definition);
      try {
        for (const statement of body.statements) await session.sql(statement);
      } catch (failure) {
        if (!body.handler) throw failure;
        // Snowflake Scripting: the handler runs in place of the rest of the block; a bare RAISE
        // re-raises the error that brought it here, and a handler without RAISE swallows it.
        const active = session;
        for (const statement of body.handler) {
          if (/^RAISE$/i.test(statement.trim())) throw failure;
          await active.sql(statement);
        }
      }
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

/** Parses `CREATE [OR REPLACE] TASK [IF NOT EXISTS] name [options] [AFTER a, b] [WHEN cond] AS body`. */
import type { EngineContext } from '../engine/extension.js';
import { parseSchedule } from './task-schedule.js';
import type { TaskSchedule } from './task-schedule.js';
import { TokenCursor } from './sql-text.js';

export interface TaskOptions {
  warehouse: string | undefined;
  schedule: TaskSchedule | undefined;
  allowOverlappingExecution: boolean;
  suspendTaskAfterNumFailures: number;
  taskAutoRetryAttempts: number;
  comment: string;
  /** Qualified names of the predecessors (AFTER). */
  predecessors: string[];
  /** The WHEN condition as written. */
  condition: string | undefined;
  /** Session parameters and options kept as given (`TIMEZONE = 'UTC'`, ...). */
  parameters: Record<string, string>;
}

export interface CreateTaskStatement {
  readonly name: string;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly options: TaskOptions;
  /** The body after AS, as written. */
  readonly definition: string;
}

/** Reads option clauses until AS (CREATE) or the end (ALTER ... SET); keys already upper-cased. */
export function parseTaskOptions(cur: TokenCursor, ctx: EngineContext, options: TaskOptions, stopAtAs: boolean): void {
  while (!cur.done()) {
    if (stopAtAs && cur.acceptWords('AS')) return;
    if (cur.acceptWords('AFTER')) {
      do options.predecessors.push(ctx.qualify(cur.name()));
      while (cur.acceptOp(','));
      continue;
    }
    if (cur.acceptWords('WHEN')) {
      // The condition runs to the AS that starts the body (Snowflake only allows boolean functions there).
      const start = cur.position();
      let depth = 0;
      while (!cur.done()) {
        const t = cur.peek()!;
        if (t.kind === 'op' && t.text === '(') depth++;
        if (t.kind === 'op' && t.text === ')') depth--;
        if (depth === 0 && t.kind === 'word' && t.value.toUpperCase() === 'AS') break;
        cur.next();
      }
      options.condition = cur.sql.slice(start, cur.position()).trim();
      continue;
    }
    const key = cur.next();
    if (!key || key.kind !== 'word') throw cur.error('expected a task option', key);
    cur.expectOp('=');
    const upper = key.value.toUpperCase();
    const value = cur.value();
    switch (upper) {
      case 'WAREHOUSE':
        options.warehouse = value.toUpperCase();
        break;
      case 'SCHEDULE':
        options.schedule = parseSchedule(value);
        break;
      case 'ALLOW_OVERLAPPING_EXECUTION':
        options.allowOverlappingExecution = value.toUpperCase() === 'TRUE';
        break;
      case 'SUSPEND_TASK_AFTER_NUM_FAILURES':
        options.suspendTaskAfterNumFailures = nonNegative(cur, upper, value);
        break;
      case 'TASK_AUTO_RETRY_ATTEMPTS':
        options.taskAutoRetryAttempts = nonNegative(cur, upper, value);
        break;
      case 'COMMENT':
        options.comment = value;
        break;
      default:
        options.parameters[upper] = value;
    }
  }
  if (stopAtAs) throw cur.error('expected AS and the task body');
}

function nonNegative(cur: TokenCursor, key: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw cur.error(`${key} needs a non-negative integer`);
  return n;
}

export function defaultTaskOptions(): TaskOptions {
  return {
    warehouse: undefined,
    schedule: undefined,
    allowOverlappingExecution: false,
    suspendTaskAfterNumFailures: 10,
    taskAutoRetryAttempts: 0,
    comment: '',
    predecessors: [],
    condition: undefined,
    parameters: {},
  };
}

export function parseCreateTask(sql: string, ctx: EngineContext): CreateTaskStatement {
  const cur = new TokenCursor(sql);
  cur.expectWords('CREATE');
  const orReplace = cur.acceptWords('OR', 'REPLACE');
  cur.expectWords('TASK');
  const ifNotExists = cur.acceptWords('IF', 'NOT', 'EXISTS');
  const name = ctx.qualify(cur.name());
  const options = defaultTaskOptions();
  parseTaskOptions(cur, ctx, options, true);
  const definition = cur.rest().replace(/;\s*$/, '').trim();
  if (!definition) throw cur.error('expected the task body after AS');
  return { name, orReplace, ifNotExists, options, definition };
}

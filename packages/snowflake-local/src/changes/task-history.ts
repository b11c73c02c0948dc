/**
 * Task runs as `TABLE(INFORMATION_SCHEMA.TASK_HISTORY(...))` shows them: the table function is
 * replaced by a subquery over the recorded runs, so any projection, filter or ORDER BY works.
 */
import type { EngineContext } from '../engine/extension.js';
import { tokenize } from '../engine/sql-tokenizer.js';
import type { Token } from '../engine/sql-tokenizer.js';
import { notEmulated } from '../objects/snowflake-error.js';
import { quoteLiteral, shortName, splitQualified } from './sql-text.js';
import { sqlTimestamp } from './result-rows.js';

/** One run of one task. */
export interface TaskRun {
  /** Qualified task name. */
  readonly name: string;
  readonly state: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  readonly scheduledTime: Date;
  readonly queryStartTime: Date | undefined;
  readonly completedTime: Date;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  readonly condition: string | undefined;
  readonly definition: string;
  readonly rootTaskName: string;
  readonly graphRunGroupId: string;
  readonly attemptNumber: number;
  /** `SCHEDULE` for the scheduler, `EXECUTE_TASK` for EXECUTE TASK. */
  readonly trigger: 'SCHEDULE' | 'EXECUTE_TASK';
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly args: ReadonlyMap<string, string>;
}

function significant(sql: string): Token[] {
  return tokenize(sql).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
}

/** Finds `TABLE( [db.]INFORMATION_SCHEMA.TASK_HISTORY( args ) )` spans; args as written, by name. */
function findSpans(sql: string): Span[] {
  const tokens = significant(sql);
  const spans: Span[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.kind !== 'word' || tokens[i]!.value.toUpperCase() !== 'TABLE' || tokens[i + 1]?.text !== '(') continue;
    let j = i + 2;
    const nameParts: string[] = [];
    while (tokens[j] && (tokens[j]!.kind === 'word' || tokens[j]!.kind === 'qident')) {
      nameParts.push(tokens[j]!.value.toUpperCase());
      j++;
      if (tokens[j]?.text === '.') j++;
      else break;
    }
    if (nameParts[nameParts.length - 1] !== 'TASK_HISTORY' || tokens[j]?.text !== '(') continue;
    j++;
    const args = new Map<string, string>();
    let depth = 0;
    let argName: string | undefined;
    let argStart = -1;
    for (; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (argName === undefined && depth === 0 && t.kind === 'word' && tokens[j + 1]?.text === '=>') {
        argName = t.value.toUpperCase();
        j++;
        argStart = tokens[j + 1]?.pos ?? -1;
        continue;
      }
      if (t.text === '(') depth++;
      if ((t.text === ',' || t.text === ')') && depth === 0) {
        if (argName !== undefined) args.set(argName, sql.slice(argStart, t.pos).trim());
        argName = undefined;
        if (t.text === ')') break;
        continue;
      }
      if (t.text === ')') depth--;
    }
    const close = tokens[j + 1];
    if (close?.text !== ')') continue;
    spans.push({ start: tokens[i]!.pos, end: close.pos + 1, args });
  }
  return spans;
}

/** True when the statement reads the TASK_HISTORY table function. */
export function readsTaskHistory(sql: string): boolean {
  if (!/TASK_HISTORY/i.test(sql)) return false;
  try {
    return findSpans(sql).length > 0;
  } catch {
    return false;
  }
}

const COLUMNS = ['QUERY_ID', 'NAME', 'DATABASE_NAME', 'SCHEMA_NAME', 'QUERY_TEXT', 'CONDITION_TEXT', 'STATE', 'ERROR_CODE', 'ERROR_MESSAGE', 'SCHEDULED_TIME', 'QUERY_START_TIME', 'COMPLETED_TIME', 'ROOT_TASK_ID', 'GRAPH_RUN_GROUP_ID', 'ATTEMPT_NUMBER', 'SCHEDULED_FROM'];

function text(value: string | undefined): string {
  return value === undefined ? 'CAST(NULL AS VARCHAR)' : `CAST(${quoteLiteral(value)} AS VARCHAR)`;
}

function timestamp(value: Date | undefined): string {
  return value === undefined ? 'CAST(NULL AS TIMESTAMP_LTZ)' : sqlTimestamp(value);
}

function rowSql(run: TaskRun, index: number): string {
  const [db, schema] = splitQualified(run.name);
  const values = [
    text(`task-run-${index + 1}`),
    text(shortName(run.name)),
    text(db),
    text(schema),
    text(run.definition),
    text(run.condition),
    text(run.state),
    text(run.errorCode),
    text(run.errorMessage),
    timestamp(run.scheduledTime),
    timestamp(run.queryStartTime),
    timestamp(run.completedTime),
    text(run.rootTaskName),
    text(run.graphRunGroupId),
    `CAST(${run.attemptNumber} AS INTEGER)`,
    text(run.trigger === 'SCHEDULE' ? 'SCHEDULE' : 'EXECUTE TASK'),
  ];
  return `SELECT ${values.map((v, k) => `${v} AS ${COLUMNS[k]}`).join(', ')}`;
}

/** Reads an argument's value: a literal directly, anything else by asking the engine. */
async function argValue(ctx: EngineContext, expr: string): Promise<string | null> {
  const tokens = significant(expr);
  if (tokens.length === 1 && (tokens[0]!.kind === 'string' || tokens[0]!.kind === 'number')) return tokens[0]!.value;
  const result = await ctx.sql(`SELECT ${expr}`);
  return result.rows[0]?.[0] ?? null;
}

/** Epoch seconds from the wire form of a timestamp (`"1732612345.123000000"`, maybe with an offset). */
function wireToDate(value: string | null): Date | undefined {
  if (value === null) return undefined;
  const seconds = Number(value.split(' ')[0]);
  if (Number.isFinite(seconds)) return new Date(Math.round(seconds * 1000));
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** Rewrites every TASK_HISTORY table function of `sql` into a subquery over `runs` (newest first). */
export async function replaceTaskHistory(sql: string, ctx: EngineContext, runs: readonly TaskRun[]): Promise<string> {
  let out = '';
  let last = 0;
  for (const span of findSpans(sql)) {
    let selected = runs.map((run, index) => ({ run, index }));
    for (const [key, expr] of span.args) {
      const value = await argValue(ctx, expr);
      switch (key) {
        case 'TASK_NAME': {
          const wanted = value ?? '';
          // An unquoted name matches case-insensitively, as Snowflake resolves identifiers.
          selected = selected.filter(({ run }) => shortName(run.name) === wanted || shortName(run.name).toUpperCase() === wanted.toUpperCase());
          break;
        }
        case 'RESULT_LIMIT':
          break;
        case 'SCHEDULED_TIME_RANGE_START': {
          const from = wireToDate(value);
          if (from) selected = selected.filter(({ run }) => run.scheduledTime >= from);
          break;
        }
        case 'SCHEDULED_TIME_RANGE_END': {
          const to = wireToDate(value);
          if (to) selected = selected.filter(({ run }) => run.scheduledTime < to);
          break;
        }
        case 'ERROR_ONLY':
          if ((value ?? '').toUpperCase() === 'TRUE' || value === '1') selected = selected.filter(({ run }) => run.state === 'FAILED');
          break;
        default:
          throw notEmulated(`TASK_HISTORY argument ${key}`);
      }
    }
    selected.sort((a, b) => b.run.scheduledTime.getTime() - a.run.scheduledTime.getTime() || b.index - a.index);
    const limitExpr = span.args.get('RESULT_LIMIT');
    const limit = limitExpr === undefined ? 100 : Number(await argValue(ctx, limitExpr));
    selected = selected.slice(0, Number.isFinite(limit) ? limit : 100);
    const body =
      selected.length > 0
        ? selected.map(({ run, index }) => rowSql(run, index)).join(' UNION ALL ')
        : `${rowSql(emptyRun, 0)} WHERE FALSE`;
    out += `${sql.slice(last, span.start)}(${body})`;
    last = span.end;
  }
  return out + sql.slice(last);
}

const emptyRun: TaskRun = {
  name: 'X.X.X',
  state: 'SKIPPED',
  scheduledTime: new Date(0),
  queryStartTime: undefined,
  completedTime: new Date(0),
  errorCode: undefined,
  errorMessage: undefined,
  condition: undefined,
  definition: '',
  rootTaskName: '',
  graphRunGroupId: '',
  attemptNumber: 1,
  trigger: 'SCHEDULE',
};

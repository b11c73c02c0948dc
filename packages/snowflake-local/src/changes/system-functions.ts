/**
 * `SYSTEM$STREAM_HAS_DATA('s')` and `SYSTEM$TASK_DEPENDENTS_ENABLE('root')`: evaluated before the
 * statement runs and spliced in as literals, so they work in any SELECT and in a task's WHEN.
 */
import type { EngineContext } from '../engine/extension.js';
import { tokenize } from '../engine/sql-tokenizer.js';
import type { Token } from '../engine/sql-tokenizer.js';
import { compilationError } from '../objects/snowflake-error.js';
import { quoteLiteral } from './sql-text.js';

export interface SystemFunctions {
  streamHasData(ctx: EngineContext, stream: string): Promise<boolean>;
  /** Resumes the root and every task of its graph; returns the function's result text. */
  taskDependentsEnable(ctx: EngineContext, root: string): Promise<string>;
}

const NAMES = new Set(['SYSTEM$STREAM_HAS_DATA', 'SYSTEM$TASK_DEPENDENTS_ENABLE']);

interface Call {
  readonly fn: string;
  readonly arg: string;
  readonly start: number;
  readonly end: number;
}

function findCalls(sql: string): Call[] {
  const tokens: Token[] = tokenize(sql).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
  const calls: Call[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' || !NAMES.has(t.value.toUpperCase())) continue;
    const open = tokens[i + 1];
    const arg = tokens[i + 2];
    const close = tokens[i + 3];
    if (open?.text !== '(' || close?.text !== ')' || arg?.kind !== 'string') {
      throw compilationError(`${t.value.toUpperCase()} takes one string literal argument (the object's name).`);
    }
    calls.push({ fn: t.value.toUpperCase(), arg: arg.value, start: t.pos, end: close.pos + 1 });
  }
  return calls;
}

/** True when the statement calls one of the SYSTEM$ functions above (outside literals). */
export function callsSystemFunction(sql: string): boolean {
  if (!/SYSTEM\$(STREAM_HAS_DATA|TASK_DEPENDENTS_ENABLE)/i.test(sql)) return false;
  try {
    return findCalls(sql).length > 0;
  } catch {
    return true; // let execute report the malformed call
  }
}

/** Evaluates each call in order and replaces it by its value as a literal. */
export async function replaceSystemCalls(sql: string, ctx: EngineContext, fns: SystemFunctions): Promise<string> {
  const calls = findCalls(sql);
  let out = '';
  let last = 0;
  for (const call of calls) {
    const value =
      call.fn === 'SYSTEM$STREAM_HAS_DATA'
        ? ((await fns.streamHasData(ctx, call.arg)) ? 'TRUE' : 'FALSE')
        : quoteLiteral(await fns.taskDependentsEnable(ctx, call.arg));
    out += sql.slice(last, call.start) + value;
    last = call.end;
  }
  return out + sql.slice(last);
}

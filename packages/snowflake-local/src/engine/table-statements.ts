/**
 * CREATE and ALTER TABLE: DuckDB runs them (translated); the engine records each column's declared
 * Snowflake type, for DESC TABLE and for typing TIMESTAMP_TZ/LTZ results, and drops table options
 * DuckDB has no counterpart for.
 */
import type { EngineContext, StatementResult } from './extension.js';
import type { Engine, Session } from './engine.js';
import { statusResult } from './engine.js';
import type { Cursor } from './sql-cursor.js';
import { tokenize, type Token } from './sql-tokenizer.js';
import { qualifyParts } from './sql-dialect.js';
import { SqlError } from './sql-error.js';

/** CREATE TABLE runs in DuckDB; the engine records declared types and answers Snowflake's status. */
export async function createTable(engine: Engine, session: Session, ctx: EngineContext, c: Cursor, orReplace: boolean): Promise<StatementResult> {
  const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
  const parts = c.name();
  const qualified = qualifyParts(parts, session.state.database, session.state.schema);
  const name = parts[parts.length - 1]!;
  const exists = await tableExists(session, qualified);
  if (exists && ifNotExists && !orReplace) return statusResult('ddl', `${name} already exists, statement succeeded.`);
  if (exists && !orReplace) throw new SqlError(`SQL compilation error:\nObject '${name}' already exists.`, '002002', '42710');
  // Declared types, for DESC TABLE in Snowflake's names.
  const declared = c.peek()?.text === '(' ? declaredColumns(c.tokens.slice(c.i)) : new Map<string, string>();
  const duckSql = stripTableOptions(c.sql);
  await engine.runDuck(session, ctx, duckSql.replace(/^\s*CREATE\s+(OR\s+REPLACE\s+)?TRANSIENT\s+/i, (_match, r: string | undefined) => `CREATE ${r ?? ''}`), []);
  engine.declaredTypes.set(qualified, declared);
  engine.createdOn.set(qualified, engine.clock.now());
  return statusResult('ddl', `Table ${name} successfully created.`);
}

/** Column name → declared type text (`NUMBER(12,2)`) from a column list starting at `(`. */
function declaredColumns(tokens: readonly Token[]): Map<string, string> {
  const out = new Map<string, string>();
  const elements: Token[][] = [];
  let depth = 0;
  let current: Token[] = [];
  for (const t of tokens) {
    if (t.text === '(') {
      depth++;
      if (depth === 1) continue;
    } else if (t.text === ')') {
      depth--;
      if (depth === 0) break;
    } else if (t.text === ',' && depth === 1) {
      elements.push(current);
      current = [];
      continue;
    }
    current.push(t);
  }
  elements.push(current);
  for (const el of elements) {
    const [nameTok, typeTok, ...rest] = el;
    if (!nameTok || !typeTok || typeTok.kind !== 'word') continue;
    const first = nameTok.kind === 'word' ? nameTok.value.toUpperCase() : nameTok.value;
    if (nameTok.kind === 'word' && ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'].includes(first)) continue;
    let type = typeTok.value.toUpperCase();
    if (rest[0]?.text === '(') {
      const close = rest.findIndex((t) => t.text === ')');
      type += rest.slice(0, close + 1).map((t) => t.text).join('');
    }
    out.set(first, type);
  }
  return out;
}

/** Drops Snowflake table options DuckDB has no use for (CLUSTER BY, COMMENT =, DATA_RETENTION..., CHANGE_TRACKING...). */
function stripTableOptions(sql: string): string {
  const tokens = tokenize(sql);
  let depth = 0;
  let seenParen = false;
  let firstMeaningful = -1;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'ws' || t.kind === 'comment') continue;
    if (firstMeaningful < 0 && seenParen && depth === 0) firstMeaningful = k;
    if (t.text === '(') {
      if (!seenParen && depth === 0) seenParen = true;
      depth++;
    } else if (t.text === ')') {
      depth--;
      if (depth === 0 && seenParen) {
        // Everything after the column list, unless it is AS SELECT.
        const rest = tokens.slice(k + 1).filter((x) => x.kind !== 'ws' && x.kind !== 'comment');
        if (rest.length > 0 && rest[0]!.kind === 'word' && rest[0]!.value.toUpperCase() === 'AS') return sql;
        return tokens.slice(0, k + 1).map((x) => x.text).join('');
      }
    } else if (!seenParen && t.kind === 'word' && t.value.toUpperCase() === 'AS') {
      return sql;
    }
  }
  return sql;
}

/** ALTER TABLE runs in DuckDB; columns it adds are recorded with their declared Snowflake types. */
export async function alterTable(engine: Engine, session: Session, ctx: EngineContext, c: Cursor): Promise<StatementResult> {
  c.expect('ALTER', 'TABLE');
  c.accept('IF', 'EXISTS');
  const qualified = qualifyParts(c.name(), session.state.database, session.state.schema);
  if (c.word() === 'SET' || c.word() === 'UNSET' || c.word() === 'CLUSTER' || (c.word() === 'DROP' && c.word(1) === 'CLUSTERING')) {
    // Table options (CHANGE_TRACKING, DATA_RETENTION_TIME_IN_DAYS, COMMENT, clustering) have no DuckDB counterpart.
    if (!(await tableExists(session, qualified))) throw new SqlError(`SQL compilation error:\nTable '${qualified}' does not exist or not authorized.`, '002003', '42S02');
    return statusResult('alter', 'Statement executed successfully.');
  }
  const result = await engine.runDuck(session, ctx, c.sql, []);
  const declared = engine.declaredTypes.get(qualified);
  if (declared && c.accept('ADD')) {
    c.accept('COLUMN');
    c.accept('IF', 'NOT', 'EXISTS');
    const added = declaredColumns([{ kind: 'op', text: '(', value: '(', pos: 0 }, ...c.tokens.slice(c.i), { kind: 'op', text: ')', value: ')', pos: 0 }]);
    for (const [name, type] of added) declared.set(name, type);
  }
  return result;
}

export async function tableExists(session: Session, qualified: string): Promise<boolean> {
  const [db, schema, name] = qualified.split('.');
  const r = await session.duck.runAndReadAll(`SELECT 1 FROM duckdb_tables() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3`, [db!, schema!, name!]);
  return r.getRows().length > 0;
}

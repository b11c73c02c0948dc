/**
 * The SQL engine: one DuckDB instance, one DuckDB connection per Snowflake session, Snowflake
 * databases as attached catalogs and schemas as DuckDB schemas. Each statement goes to the
 * extensions' handlers first, then to the engine's own statements, then (translated) to DuckDB.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Clock, EngineContext, EngineExtension, EngineHandle, ResultColumn, SessionState, StatementKind, StatementResult } from './extension.js';
import { AccountRegistry } from './account-registry.js';
import { identifierParts, qualifyParts, sqlIdent, translateStatement, type DialectContext, type Translated } from './sql-dialect.js';
import { fromDuckDbError, notSupported, SqlError, syntaxError } from './sql-error.js';
import { stripComments } from './sql-tokenizer.js';
import { wireColumn, wireValue } from './wire-encode.js';
import { snowflakeResultNames } from './result-names.js';
import { runBuiltinStatement } from './builtin-statements.js';

/** A bind as the driver sends it: a type and a string value (or an array of them for array binds). */
export interface WireBind {
  readonly type: string;
  readonly value: string | null | ReadonlyArray<string | null>;
}

/** Session parameters with Snowflake's defaults (those the driver reads for output). */
export const DEFAULT_PARAMETERS: Readonly<Record<string, string>> = {
  TIMEZONE: 'UTC',
  TIMESTAMP_OUTPUT_FORMAT: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM',
  TIMESTAMP_NTZ_OUTPUT_FORMAT: 'YYYY-MM-DD HH24:MI:SS.FF3',
  TIMESTAMP_LTZ_OUTPUT_FORMAT: '',
  TIMESTAMP_TZ_OUTPUT_FORMAT: '',
  DATE_OUTPUT_FORMAT: 'YYYY-MM-DD',
  TIME_OUTPUT_FORMAT: 'HH24:MI:SS',
  BINARY_OUTPUT_FORMAT: 'HEX',
  CLIENT_SESSION_KEEP_ALIVE: 'false',
  QUERY_TAG: '',
};

/** One Snowflake session: its state, parameters and DuckDB connection. */
export interface Session {
  readonly state: SessionState;
  readonly parameters: Record<string, string>;
  readonly duck: DuckDBConnection;
  /** Serialises statements: a session runs one statement at a time, as in Snowflake. */
  queue: Promise<unknown>;
  /**
   * Set when a statement failed inside an explicit transaction. DuckDB then aborts the whole
   * transaction, where Snowflake only rolls back the statement: COMMIT must fail, not pretend.
   */
  transactionAborted: boolean;
}

/** Declared Snowflake types per table, for DESC/SHOW COLUMNS and TIMESTAMP_TZ results. */
export type DeclaredTypes = Map<string, Map<string, string>>;

export interface EngineOptions {
  readonly account: string;
  readonly clock: Clock;
  /** A directory where each database lives as `<NAME>.duckdb`; in memory when absent. */
  readonly path?: string;
  readonly extensions?: readonly EngineExtension[];
}

export class Engine implements EngineHandle {
  readonly account: string;
  readonly clock: Clock;
  readonly registry = new AccountRegistry();
  readonly declaredTypes: DeclaredTypes = new Map();
  readonly extensions: EngineExtension[] = [];
  readonly createdOn = new Map<string, Date>();
  private readonly sessions = new Map<string, Session>();
  private sessionCounter = 0;
  private readonly path: string | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly admin: DuckDBConnection,
    opts: EngineOptions,
  ) {
    this.account = opts.account.toUpperCase();
    this.clock = opts.clock;
    this.path = opts.path;
    this.extensions.push(...(opts.extensions ?? []));
  }

  static async create(opts: EngineOptions): Promise<Engine> {
    const instance = await DuckDBInstance.create(':memory:');
    const admin = await instance.connect();
    const engine = new Engine(instance, admin, opts);
    if (opts.path) {
      mkdirSync(opts.path, { recursive: true });
      for (const f of readdirSync(opts.path)) {
        const m = f.match(/^(.+)\.duckdb$/);
        if (m) await admin.run(`ATTACH ${quoteLiteral(join(opts.path, f))} AS ${sqlIdent(m[1]!)}`);
      }
    }
    return engine;
  }

  /** Names of the Snowflake databases (attached catalogs). */
  async databases(): Promise<string[]> {
    const r = await this.admin.runAndReadAll(`SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name NOT IN ('memory', 'temp', 'system')`);
    return r.getRows().map((row) => String(row[0]));
  }

  async databaseExists(name: string): Promise<boolean> {
    return (await this.databases()).includes(name);
  }

  /** Creates a database with its PUBLIC schema; false when it already existed. */
  async createDatabase(name: string, orReplace = false): Promise<boolean> {
    const exists = await this.databaseExists(name);
    if (exists && !orReplace) return false;
    if (exists) await this.dropDatabase(name);
    const target = this.path ? quoteLiteral(join(this.path, `${name}.duckdb`)) : `':memory:'`;
    await this.admin.run(`ATTACH ${target} AS ${sqlIdent(name)}`);
    await this.admin.run(`CREATE SCHEMA IF NOT EXISTS ${sqlIdent(name)}."PUBLIC"`);
    this.createdOn.set(name, this.clock.now());
    return true;
  }

  async dropDatabase(name: string): Promise<void> {
    // A session whose current catalog is the one detached would fail; move them off it first.
    for (const s of this.sessions.values()) {
      if (s.state.database === name) {
        await s.duck.run('USE memory.main').catch(() => undefined);
      }
    }
    await this.admin.run(`DETACH ${sqlIdent(name)}`);
    this.createdOn.delete(name);
  }

  addExtension(ext: EngineExtension): void {
    this.extensions.push(ext);
  }

  /** Opens a Snowflake session on its own DuckDB connection. */
  async createSession(opts: { user: string; role: string; database?: string; schema?: string; warehouse?: string }): Promise<Session> {
    const duck = await this.instance.connect();
    const state: SessionState = {
      // Numeric like Snowflake's session ids (the driver reads them as numbers), unique per engine.
      id: String(Date.now() * 1000 + (this.sessionCounter++ % 1000)),
      user: opts.user.toUpperCase(),
      role: (opts.role || 'PUBLIC').toUpperCase(),
      database: '',
      schema: '',
      warehouse: (opts.warehouse ?? '').toUpperCase(),
      inTransaction: false,
    };
    const session: Session = { state, parameters: { ...DEFAULT_PARAMETERS }, duck, queue: Promise.resolve(), transactionAborted: false };
    this.sessions.set(state.id, session);
    if (opts.database) {
      const db = identifierParts(opts.database)[0] ?? '';
      // A login naming a missing database creates it: the local endpoint starts empty.
      if (db && !(await this.databaseExists(db))) await this.createDatabase(db);
      const schema = opts.schema ? (identifierParts(opts.schema)[0] ?? 'PUBLIC') : 'PUBLIC';
      await this.useSchema(session, db, schema, true);
    }
    return session;
  }

  /** Points the session (and its DuckDB connection) at a database and schema. */
  async useSchema(session: Session, database: string, schema: string, createSchema = false): Promise<void> {
    if (!(await this.databaseExists(database))) throw new SqlError(`SQL compilation error:\nDatabase '${database}' does not exist or not authorized.`, '002043', '02000');
    if (createSchema) await session.duck.run(`CREATE SCHEMA IF NOT EXISTS ${sqlIdent(database)}.${sqlIdent(schema)}`);
    const exists = await this.schemaExists(database, schema);
    if (!exists) throw new SqlError(`SQL compilation error:\nSchema '${database}.${schema}' does not exist or not authorized.`, '002043', '02000');
    await session.duck.run(`USE ${sqlIdent(database)}.${sqlIdent(schema)}`);
    session.state.database = database;
    session.state.schema = schema;
  }

  async schemaExists(database: string, schema: string): Promise<boolean> {
    const r = await this.admin.runAndReadAll(`SELECT 1 FROM duckdb_schemas() WHERE database_name = $1 AND schema_name = $2`, [database, schema]);
    return r.getRows().length > 0;
  }

  session(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  async closeSession(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    if (s.state.inTransaction) await s.duck.run('ROLLBACK').catch(() => undefined);
    s.duck.closeSync();
  }

  /** EngineHandle: an internal session for pipes and tasks. */
  async openSession(opts: { user: string; role: string; database: string; schema: string; warehouse?: string }): Promise<EngineContext & { close(): Promise<void> }> {
    const session = await this.createSession(opts);
    const ctx = this.context(session);
    return Object.assign(ctx, { close: () => this.closeSession(session.state.id) });
  }

  /** The handler-facing view of a session. */
  context(session: Session): EngineContext {
    const qualify = (name: string): string => qualifyParts(identifierParts(name), session.state.database, session.state.schema);
    return {
      session: session.state,
      duck: session.duck,
      clock: this.clock,
      qualify,
      sql: (text: string, binds?: readonly unknown[]) => this.runStatement(session, text, toWireBinds(binds ?? [])),
    };
  }

  dialect(session: Session, kind: StatementKind, ctx: EngineContext): DialectContext {
    const exts = this.extensions;
    return {
      database: session.state.database,
      schema: session.state.schema,
      role: session.state.role,
      user: session.state.user,
      warehouse: session.state.warehouse,
      account: this.account,
      sessionId: session.state.id,
      now: this.clock.now(),
      relation: (q) => {
        for (const e of exts) {
          const r = e.relation?.(q, ctx, kind);
          if (r !== undefined) return r;
        }
        return undefined;
      },
      rewriteFunction: (name, args) => {
        for (const e of exts) {
          const r = e.rewriteFunction?.(name, args, ctx);
          if (r !== undefined) return r;
        }
        return undefined;
      },
    };
  }

  /** Runs one statement (comments allowed) in a session, with autocommit bookkeeping. */
  async runStatement(session: Session, text: string, binds: readonly WireBind[]): Promise<StatementResult> {
    const sql = stripComments(text);
    if (!sql) throw new SqlError('SQL compilation error:\nEmpty SQL statement.', '000900', '42000');
    const ctx = this.context(session);
    const wasInTransaction = session.state.inTransaction;
    let result: StatementResult;
    try {
      result = await this.dispatch(session, ctx, sql, binds);
    } catch (e) {
      if (!wasInTransaction && !session.state.inTransaction) await this.transactionEnd(ctx, false);
      if (session.state.inTransaction && wasInTransaction) {
        if (session.transactionAborted) throw new SqlError('Statement not executed: an earlier statement of this transaction failed, and the local Snowflake endpoint (DuckDB) cannot continue it. Run ROLLBACK and retry the transaction.', '000603', '25P02');
        // Only failures DuckDB executed abort its transaction; compilation errors leave it usable.
        session.transactionAborted = await session.duck.run('SELECT 1').then(() => false, (probe: unknown) => /transaction is aborted/i.test(probe instanceof Error ? probe.message : String(probe)));
      }
      throw fromDuckDbError(e);
    }
    if (result.kind !== 'transaction' && !wasInTransaction && !session.state.inTransaction) await this.transactionEnd(ctx, true);
    return result;
  }

  async transactionEnd(ctx: EngineContext, committed: boolean): Promise<void> {
    for (const e of this.extensions) await e.onTransactionEnd?.(ctx, committed);
  }

  private async dispatch(session: Session, ctx: EngineContext, sql: string, binds: readonly WireBind[]): Promise<StatementResult> {
    const plainBinds = binds.map((b) => b.value);
    for (const e of this.extensions) {
      for (const h of e.handlers) {
        if (h.matches(sql)) return h.execute(ctx, sql, plainBinds);
      }
    }
    const builtin = await runBuiltinStatement(this, session, ctx, sql);
    if (builtin) return builtin;
    return this.runDuck(session, ctx, sql, binds);
  }

  /** Translates and runs a statement DuckDB can answer. */
  async runDuck(session: Session, ctx: EngineContext, sql: string, binds: readonly WireBind[]): Promise<StatementResult> {
    const kind = classify(sql);
    if (!kind) {
      const first = sql.match(/^[A-Za-z_]+/)?.[0]?.toUpperCase() ?? '';
      if (!STATEMENT_VERBS.has(first)) throw syntaxError(`syntax error line 1 at position 0 unexpected '${sql.split(/\s+/)[0] ?? sql}'.`);
      throw notSupported(sql);
    }
    const base = this.dialect(session, kind, ctx);
    const read = new Set<string>();
    const dialect: DialectContext = {
      ...base,
      liveClock: /^\s*(CREATE|ALTER)\b/i.test(sql),
      relation: (q) => {
        read.add(q);
        return base.relation?.(q);
      },
    };
    try {
      return await this.withConflictRetry(session, () => this.runTranslated(session, sql, kind, translateStatement(sql, dialect), binds, read));
    } catch (e) {
      // Snowflake accepts '2024-01-02 03:04:05 +05:30' (a space before the offset); DuckDB reads the
      // offset as a zone name. Only when DuckDB trips on it are such literals rewritten.
      if (!/Unknown TimeZone '[+-]/.test(e instanceof Error ? e.message : '')) throw e;
      return this.runTranslated(session, sql, kind, translateStatement(sql, { ...dialect, joinOffsetLiterals: true }), binds, read);
    }
  }

  /**
   * Snowflake makes a statement wait for a lock; DuckDB fails a write that conflicts with another
   * session's. An autocommitted statement did not commit anything when that happens, so it is retried.
   */
  private async withConflictRetry<T>(session: Session, run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (e) {
        const conflict = /conflict/i.test(e instanceof Error ? e.message : String(e));
        if (!conflict || session.state.inTransaction || attempt >= 15) throw e;
        await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** attempt, 500)));
      }
    }
  }

  private async runTranslated(session: Session, sql: string, kind: StatementKind, translated: Translated, binds: readonly WireBind[], read: ReadonlySet<string>): Promise<StatementResult> {
    const rows = arrayBindRows(binds);
    const prepared = await session.duck.prepare(kind === 'merge' ? `${translated.sql} RETURNING merge_action` : translated.sql);
    try {
      if (kind === 'query') {
        bindAll(prepared, translated.bindOrder, rows[0] ?? []);
        const reader = await prepared.runAndReadAll();
        const tz = session.parameters.TIMEZONE ?? 'UTC';
        const castsToTz = /TIMESTAMP_?TZ\b/i.test(sql) && !/TIMESTAMP_?LTZ\b/i.test(sql);
        const names = snowflakeResultNames(sql, reader.columnNames().map(snowflakeColumnName));
        const columns = reader.columnNames().map((n, i) => wireColumn(names[i]!, reader.columnTypes()[i]!, this.declaredTz(n, read) ?? castsToTz));
        return { kind, columns, rows: reader.getRows().map((r) => r.map((v, i) => wireValue(v, columns[i]!, tz))) };
      }
      // An array-bound statement is one statement in Snowflake: all rows or none, in one transaction.
      const ownTransaction = rows.length > 1 && !session.state.inTransaction;
      if (ownTransaction) await session.duck.run('BEGIN TRANSACTION');
      let counts: DmlCounts;
      try {
        counts = await runDml(prepared, kind, translated.bindOrder, rows);
      } catch (e) {
        if (ownTransaction) await session.duck.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
      if (ownTransaction) await session.duck.run('COMMIT');
      return dmlResult(kind, counts);
    } finally {
      prepared.destroySync();
    }
  }

  /**
   * DuckDB results carry no column provenance and store TIMESTAMP_TZ and _LTZ alike: a result column
   * takes the kind its name was declared with in a table the statement reads (undefined if none).
   */
  private declaredTz(column: string, read: ReadonlySet<string>): boolean | undefined {
    for (const table of read) {
      const declared = this.declaredTypes.get(table)?.get(column);
      if (declared?.startsWith('TIMESTAMP_TZ') || declared?.startsWith('TIMESTAMPTZ')) return true;
      if (declared?.startsWith('TIMESTAMP_LTZ') || declared?.startsWith('TIMESTAMPLTZ')) return false;
    }
    return undefined;
  }

  async stop(): Promise<void> {
    for (const id of [...this.sessions.keys()]) await this.closeSession(id);
    this.admin.closeSync();
    this.instance.closeSync();
  }
}

interface DmlCounts {
  inserted: bigint;
  updated: bigint;
  deleted: bigint;
}

type Prepared = Awaited<ReturnType<DuckDBConnection['prepare']>>;

/** Runs a DML statement once per bind row and counts what it did (MERGE by its RETURNING merge_action). */
async function runDml(prepared: Prepared, kind: StatementKind, bindOrder: readonly number[], rows: readonly (DuckDBValue | null)[][]): Promise<DmlCounts> {
  const counts: DmlCounts = { inserted: 0n, updated: 0n, deleted: 0n };
  for (const values of rows.length > 0 ? rows : [[]]) {
    bindAll(prepared, bindOrder, values);
    const reader = await prepared.runAndReadAll();
    if (kind === 'merge') {
      for (const [action] of reader.getRows()) {
        if (action === 'INSERT') counts.inserted++;
        else if (action === 'UPDATE') counts.updated++;
        else if (action === 'DELETE') counts.deleted++;
      }
      continue;
    }
    const first = reader.getRows()[0]?.[0];
    const n = typeof first === 'bigint' ? first : typeof first === 'number' ? BigInt(first) : 0n;
    if (kind === 'insert') counts.inserted += n;
    else if (kind === 'update') counts.updated += n;
    else if (kind === 'delete') counts.deleted += n;
  }
  return counts;
}

/** Snowflake's one-row count results for DML (the driver's getNumUpdatedRows sums the row). */
function dmlResult(kind: StatementKind, c: DmlCounts): StatementResult {
  const count = (name: string): ResultColumn => ({ name, type: 'fixed', precision: 19, scale: 0, nullable: false });
  switch (kind) {
    case 'insert':
      return { kind, columns: [count('number of rows inserted')], rows: [[c.inserted.toString()]] };
    case 'update':
      return { kind, columns: [count('number of rows updated'), count('number of multi-joined rows updated')], rows: [[c.updated.toString(), '0']] };
    case 'delete':
      return { kind, columns: [count('number of rows deleted')], rows: [[c.deleted.toString()]] };
    case 'merge':
      return { kind, columns: [count('number of rows inserted'), count('number of rows updated'), count('number of rows deleted')], rows: [[c.inserted.toString(), c.updated.toString(), c.deleted.toString()]] };
    default:
      return statusResult('ddl', 'Statement executed successfully.');
  }
}

/** First words of Snowflake statements: an unknown one is a syntax error, a known one merely unsupported. */
const STATEMENT_VERBS = new Set([
  'SELECT', 'WITH', 'VALUES', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'CREATE', 'ALTER', 'DROP', 'UNDROP', 'USE', 'SHOW', 'DESC', 'DESCRIBE',
  'GRANT', 'REVOKE', 'BEGIN', 'START', 'COMMIT', 'ROLLBACK', 'TRUNCATE', 'COPY', 'PUT', 'GET', 'LIST', 'LS', 'REMOVE', 'RM', 'CALL',
  'EXECUTE', 'EXPLAIN', 'SET', 'UNSET', 'COMMENT', 'DECLARE', 'LET', 'RETURN', 'FROM', 'TABLE',
]);

/** A one-row, one-column `status` result, as Snowflake answers DDL. */
export function statusResult(kind: StatementKind, status: string): StatementResult {
  return { kind, columns: [{ name: 'status', type: 'text', length: 16777216, nullable: true }], rows: [[status]] };
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** DuckDB's name for `count(*)` differs from Snowflake's. */
function snowflakeColumnName(n: string): string {
  if (n === 'COUNT_STAR()' || n === 'count_star()') return 'COUNT(*)';
  // An unaliased call is named after its text, upper-cased by Snowflake (`sum(A)` → `SUM(A)`).
  const call = n.match(/^([a-z_]+)(\(.*\))$/s);
  if (call) return `${call[1]!.toUpperCase()}${call[2]}`;
  return n;
}

/** What a statement DuckDB runs is, by its first words; undefined when it is not passed through. */
export function classify(sql: string): StatementKind | undefined {
  const words = sql.replace(/^[\s(]+/, '').split(/\s+/, 4).map((w) => w.toUpperCase());
  const [w0, w1, w2] = words;
  switch (w0) {
    case 'SELECT':
    case 'WITH':
    case 'VALUES':
    case 'FROM':
    case 'TABLE':
      return 'query';
    case 'INSERT':
      return 'insert';
    case 'UPDATE':
      return 'update';
    case 'DELETE':
      return 'delete';
    case 'MERGE':
      return 'merge';
    case 'TRUNCATE':
      return 'ddl';
    case 'ALTER':
      return w1 === 'TABLE' || w1 === 'VIEW' ? 'ddl' : undefined;
    case 'CREATE':
      return /^(TABLE|VIEW|SEQUENCE|TEMPORARY|TEMP|TRANSIENT|OR)$/.test(w1 ?? '') || w2 === 'VIEW' ? 'ddl' : undefined;
    case 'DROP':
      return w1 === 'VIEW' || w1 === 'SEQUENCE' ? 'ddl' : undefined;
    default:
      return undefined;
  }
}

/** Rows of bind values: one row for scalar binds, one per element for array binds. */
function arrayBindRows(binds: readonly WireBind[]): (DuckDBValue | null)[][] {
  if (binds.length === 0) return [];
  const isArray = binds.some((b) => Array.isArray(b.value));
  if (!isArray) return [binds.map((b) => convertBind(b.type, b.value as string | null))];
  const n = Math.max(...binds.map((b) => (Array.isArray(b.value) ? b.value.length : 1)));
  const rows: (DuckDBValue | null)[][] = [];
  for (let r = 0; r < n; r++) {
    rows.push(binds.map((b) => convertBind(b.type, Array.isArray(b.value) ? ((b.value as (string | null)[])[r] ?? null) : (b.value as string | null))));
  }
  return rows;
}

/** A driver bind (type name + string) → a DuckDB parameter; exact decimals stay text. */
function convertBind(type: string, value: string | null): DuckDBValue | null {
  if (value === null || value === undefined) return null;
  switch (type.toUpperCase()) {
    case 'FIXED':
      if (/^-?\d+$/.test(value) && value.replace('-', '').length <= 18) return BigInt(value);
      return value;
    case 'REAL':
      return Number(value);
    case 'BOOLEAN':
      return /^(true|1|t|yes|y|on)$/i.test(value);
    default:
      return value;
  }
}

function bindAll(prepared: Prepared, order: readonly number[], values: readonly (DuckDBValue | null)[]): void {
  if (order.length === 0) return;
  const mapped = order.map((idx) => {
    if (idx < 0 || idx >= values.length) throw new SqlError(`SQL compilation error:\nBind variable ${idx + 1} not set.`, '002049', '42601');
    return values[idx] ?? null;
  });
  prepared.bind(mapped as DuckDBValue[]);
}

/** Binds given by an extension calling `ctx.sql(text, binds)` as plain JS values. */
function toWireBinds(values: readonly unknown[]): WireBind[] {
  return values.map((v) => {
    if (v === null || v === undefined) return { type: 'TEXT', value: null };
    if (Array.isArray(v)) return { type: 'TEXT', value: v.map((x) => (x === null || x === undefined ? null : String(x))) };
    if (typeof v === 'boolean') return { type: 'BOOLEAN', value: String(v) };
    if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return { type: 'FIXED', value: String(v) };
    if (typeof v === 'number') return { type: 'REAL', value: String(v) };
    if (v instanceof Date) return { type: 'TEXT', value: v.toISOString() };
    if (typeof v === 'object') return { type: 'VARIANT', value: JSON.stringify(v) };
    return { type: 'TEXT', value: String(v) };
  });
}

/**
 * The seam between the emulator's SQL engine (protocol, sessions, DuckDB, dialect translation)
 * and the Snowflake-only objects layered on it (integrations, file formats, stages, COPY, pipes,
 * streams, tasks). The engine knows nothing of those objects; they plug in through this interface.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** Column types as Snowflake names them in a result's `rowtype` (lower case on the wire). */
export type WireType =
  | 'fixed'
  | 'real'
  | 'text'
  | 'boolean'
  | 'date'
  | 'time'
  | 'timestamp_ntz'
  | 'timestamp_ltz'
  | 'timestamp_tz'
  | 'variant'
  | 'object'
  | 'array'
  | 'binary';

export interface ResultColumn {
  readonly name: string;
  readonly type: WireType;
  readonly precision?: number;
  readonly scale?: number;
  readonly length?: number;
  readonly nullable: boolean;
}

export type StatementKind = 'query' | 'insert' | 'update' | 'delete' | 'merge' | 'ddl' | 'copy' | 'transaction' | 'use' | 'show' | 'describe' | 'alter' | 'call';

/** A finished statement. `rows` hold values already in Snowflake wire form (strings or null). */
export interface StatementResult {
  readonly kind: StatementKind;
  readonly columns: readonly ResultColumn[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
}

export interface SessionState {
  readonly id: string;
  readonly user: string;
  role: string;
  database: string;
  schema: string;
  warehouse: string;
  inTransaction: boolean;
}

/** A clock tests can drive (tasks' CRON schedules run on it). */
export interface Clock {
  now(): Date;
}

/** What a handler sees while running one statement in one session. */
export interface EngineContext {
  readonly session: SessionState;
  /** Runs Snowflake SQL through the whole engine (translation, extensions) in this session. */
  sql(text: string, binds?: readonly unknown[]): Promise<StatementResult>;
  /** This session's DuckDB connection, for handlers that load data directly. */
  readonly duck: DuckDBConnection;
  readonly clock: Clock;
  /** `DB.SCHEMA.NAME` in Snowflake's upper-case form for an unquoted name; quoted parts kept as written. */
  qualify(name: string): string;
}

/** Answers one family of Snowflake-only statements (e.g. `CREATE STAGE`, `COPY INTO`, `SHOW PIPES`). */
export interface StatementHandler {
  readonly name: string;
  /** `sql` is one statement, trimmed, comments removed. */
  matches(sql: string): boolean;
  execute(ctx: EngineContext, sql: string, binds: readonly unknown[]): Promise<StatementResult>;
}

/** Engine-level access for background work (pipes loading files, the task scheduler). */
export interface EngineHandle {
  /** Opens an internal session (no HTTP login) as `user`/`role` on a database and schema. */
  openSession(opts: { user: string; role: string; database: string; schema: string; warehouse?: string }): Promise<EngineContext & { close(): Promise<void> }>;
  readonly clock: Clock;
}

export interface EngineExtension {
  readonly handlers: readonly StatementHandler[];
  /**
   * Rewrites a relation met in FROM/JOIN/USING/MERGE ... USING (given as `DB.SCHEMA.NAME`) into a
   * parenthesised subquery, e.g. a stream's pending rows; undefined leaves it alone. The extension
   * records the read so `onTransactionEnd` can move a stream's offset when DML commits.
   */
  relation?(qualifiedName: string, ctx: EngineContext, statementKind: StatementKind): string | undefined;
  /** After an autocommitted statement or COMMIT (`committed` true), or a ROLLBACK (false). The engine awaits a returned promise. */
  onTransactionEnd?(ctx: EngineContext, committed: boolean): void | Promise<void>;
  /**
   * Rewrites a function call met anywhere in translated SQL (e.g. `SYSTEM$STREAM_HAS_DATA('s')`) into
   * DuckDB SQL. `name` is upper-case; `args` are the arguments already translated to DuckDB SQL
   * (string literals stay quoted). Undefined leaves the call to the engine.
   */
  rewriteFunction?(name: string, args: readonly string[], ctx: EngineContext): string | undefined;
  start?(engine: EngineHandle): Promise<void>;
  stop?(): Promise<void>;
}

/**
 * Append-only streams: their definitions, offsets, and what each session's open transaction read.
 *
 * Change tracking uses DuckDB's `rowid`. DuckDB gives committed rows dense row ids in commit order
 * (uncommitted rows live in transaction-local storage with ids above 2^55 and get real ids only when
 * they commit), so "the rows appended after the offset" is `offset <= rowid < highWater`, where
 * `highWater` is `MAX(rowid) + 1` measured on a committed state. Every row below a high water
 * measured before a statement starts is visible to that statement, so a read bounded by it never
 * skips a row it did not see: rows committed later stay pending for the next read.
 *
 * Limits: a DELETE of a tracked table followed by a compaction that renumbers row ids is not
 * supported (landing tables only grow; TRUNCATE keeps numbering upwards and is fine); a dropped or
 * re-created base table turns the stream stale (reads fail, as in Snowflake); standard (not append
 * only) streams are refused.
 */
import type { EngineContext, StatementKind } from '../engine/extension.js';
import { compilationError } from '../objects/snowflake-error.js';
import { sqlName } from './sql-text.js';

/** A stream as `CREATE STREAM` defined it. */
export interface StreamDefinition {
  /** `DB.SCHEMA.NAME` as `EngineContext.qualify` gives it. */
  readonly name: string;
  /** The base table, qualified the same way. */
  readonly table: string;
  readonly owner: string;
  readonly createdOn: Date;
  readonly showInitialRows: boolean;
  readonly comment: string | undefined;
  /** The first row id not yet consumed. */
  offset: bigint;
  /** DuckDB's id of the base table when the stream was created. */
  readonly tableIdentity: string | undefined;
  /** Why the stream can no longer be read (its base table was dropped or re-created). */
  stale: string | undefined;
}

interface ReadPin {
  readonly lo: bigint;
  readonly hi: bigint;
  /** A DML statement read it: the offset moves to `hi` when the transaction commits. */
  consumed: boolean;
}

/** Statement kinds that consume a stream they read (a plain SELECT does not). */
const CONSUMING: ReadonlySet<StatementKind> = new Set<StatementKind>(['insert', 'update', 'delete', 'merge', 'ddl']);

/** Measures `MAX(rowid) + 1` of a table on a committed state, and the table's identity. */
export type HighWaterProbe = (table: string) => Promise<{ highWater: bigint; identity: string | undefined }>;

export class StreamCatalog {
  private readonly streams = new Map<string, StreamDefinition>();
  private readonly highWater = new Map<string, bigint>();
  /** session id → stream name → what that session's transaction (or statement) read. */
  private readonly pins = new Map<string, Map<string, ReadPin>>();
  /** session id → base table → high water measured inside that session's open transaction. */
  private readonly snapshotHighWater = new Map<string, Map<string, bigint>>();
  private probe: HighWaterProbe | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  /** Sets how high waters are measured (an internal session, once the engine started). */
  useProbe(probe: HighWaterProbe): void {
    this.probe = probe;
  }

  get(name: string): StreamDefinition | undefined {
    return this.streams.get(name);
  }

  list(): StreamDefinition[] {
    return [...this.streams.values()];
  }

  add(def: StreamDefinition, highWater: bigint): void {
    this.streams.set(def.name, def);
    this.highWater.set(def.table, highWater);
  }

  drop(name: string): boolean {
    return this.streams.delete(name);
  }

  /** The high water last measured for a base table. */
  highWaterOf(table: string): bigint | undefined {
    return this.highWater.get(table);
  }

  /**
   * The subquery a read of `stream` becomes. Within one transaction every read sees the same rows;
   * a DML read marks the stream consumed for when that transaction commits.
   */
  read(stream: StreamDefinition, ctx: EngineContext, kind: StatementKind): string {
    if (stream.stale) throw compilationError(`Stream ${stream.name} is stale: ${stream.stale}. Re-create the stream.`, '091901', '55000');
    let sessionPins = this.pins.get(ctx.session.id);
    if (!sessionPins) {
      sessionPins = new Map();
      this.pins.set(ctx.session.id, sessionPins);
    }
    let pin = sessionPins.get(stream.name);
    if (!pin) {
      const hi = this.snapshotHighWater.get(ctx.session.id)?.get(stream.table) ?? this.highWater.get(stream.table) ?? stream.offset;
      pin = { lo: stream.offset, hi: hi > stream.offset ? hi : stream.offset, consumed: false };
      sessionPins.set(stream.name, pin);
    }
    if (CONSUMING.has(kind)) pin.consumed = true;
    const src = '"__FLOE_STREAM_SRC"';
    return (
      `(SELECT ${src}.*, 'INSERT' AS "METADATA$ACTION", FALSE AS "METADATA$ISUPDATE", ` +
      `CAST(${src}.rowid AS VARCHAR) AS "METADATA$ROW_ID" ` +
      `FROM ${sqlName(stream.table)} AS ${src} WHERE ${src}.rowid >= ${pin.lo} AND ${src}.rowid < ${pin.hi})`
    );
  }

  /** Ends the session's transaction: a commit moves the offsets of the streams its DML read. */
  endTransaction(sessionId: string, committed: boolean): void {
    const sessionPins = this.pins.get(sessionId);
    this.pins.delete(sessionId);
    this.snapshotHighWater.delete(sessionId);
    if (!committed || !sessionPins) return;
    for (const [name, pin] of sessionPins) {
      const stream = this.streams.get(name);
      if (stream && pin.consumed && pin.hi > stream.offset) stream.offset = pin.hi;
    }
  }

  /**
   * Re-measures every tracked table's high water. Calls made while a refresh runs are served by one
   * more refresh started after it, so a caller always sees commits made before its call.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    const run = async (): Promise<void> => {
      do {
        this.refreshAgain = false;
        await this.measureAll();
      } while (this.refreshAgain);
    };
    this.refreshing = run().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * Inside an explicit transaction, measures the high waters in the transaction's own snapshot: a
   * row another session committed after that snapshot began is invisible to it, and must stay
   * pending rather than fall below the offset its commit sets.
   */
  async measureInTransaction(ctx: EngineContext, measure: (ctx: EngineContext, table: string) => Promise<bigint>): Promise<void> {
    const sessionPins = this.pins.get(ctx.session.id);
    let measured = this.snapshotHighWater.get(ctx.session.id);
    if (!measured) {
      measured = new Map();
      this.snapshotHighWater.set(ctx.session.id, measured);
    }
    for (const stream of this.streams.values()) {
      if (sessionPins?.has(stream.name) || measured.has(stream.table)) continue;
      measured.set(stream.table, await measure(ctx, stream.table));
    }
  }

  private async measureAll(): Promise<void> {
    const probe = this.probe;
    if (!probe) return;
    const tables = new Set([...this.streams.values()].map((s) => s.table));
    for (const table of tables) {
      let measured: { highWater: bigint; identity: string | undefined } | undefined;
      try {
        measured = await probe(table);
        this.highWater.set(table, measured.highWater);
      } catch {
        // Unreadable now (e.g. dropped): the identity check below marks its streams stale.
      }
      for (const stream of this.streams.values()) {
        if (stream.table !== table || stream.stale) continue;
        // A re-created table numbers its rows from zero again: reading it from the old offset
        // would silently skip rows, so the stream turns stale, as Snowflake's does.
        if (!measured || measured.identity !== stream.tableIdentity) stream.stale = `its base table ${table} was dropped or re-created`;
      }
    }
  }
}

import { errAsync, ResultAsync, err, ok, type Result } from 'neverthrow';
import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import Cursor from 'pg-cursor';
import type { ColumnBatch, Extraction, Extractor, RowEncoding, RowStream } from '../contracts/extractor.js';
import type { TableSchema } from '../contracts/schema.js';
import type { ExtractWindow } from '../contracts/window.js';
import { floeError, isFloeError, type FloeError } from '../errors.js';
import { describeSource, pickColumns, sourceFrom, sourceObjectName, type PgSourceSpec } from './postgres-catalog.js';
import { connectionOpener, type HeldConnection, type PgClientLike, type PgSource } from './postgres-connection.js';
import { mapPgError, type ErrorContext } from './postgres-errors.js';
import { quoteLiteral, renderBinarySelectList, renderSelectList, SESSION_SETTINGS } from './postgres-sql.js';
import { sliceConditions, splitKey, validateSplit, type SplitOptions } from './postgres-split.js';
import { planWindow } from './postgres-window.js';

/**
 * Options of {@link createPostgresExtractor}: where to connect (`pool` or `connection`), what to read
 * (`table` or `query`), and optionally which columns.
 *
 * A cursor window's `lagSeconds` keeps the newest rows for the next run: a transaction that stamped
 * its rows (e.g. `updated_at = now()`, its start time) before our snapshot but commits after it is
 * invisible now, yet its timestamps sit below the snapshot's max. Stopping `lagSeconds` below the
 * max leaves room for such transactions to commit before a later run reads that range.
 */
export type PostgresExtractorOptions = PgSource &
  PgSourceSpec & {
    /** Extract only these columns, in this order (default: all, in table order). */
    readonly columns?: readonly string[];
    /** Rows per columnar batch (default 10,000). */
    readonly batchRows?: number;
    /**
     * Read the window over several connections at once, one key range each, all in one exported
     * snapshot (so the slices together are exactly the rows one connection would read). Worth it
     * when one PostgreSQL backend is the bottleneck and both ends have idle cores.
     */
    readonly split?: SplitOptions;
  };

type Settle = (r: Result<{ rows: number }, FloeError>) => void;

/**
 * Creates an {@link Extractor} over PostgreSQL. Each extraction holds one connection (or one per
 * slice with `split`, sharing an exported snapshot) in a REPEATABLE READ, READ ONLY transaction
 * with pinned session settings, so every statement (window bounds, split bounds, rows) sees one
 * snapshot and renders values the same way. NaN or ±Infinity in a numeric column fails the read
 * with `unsupported_value` (checked inside the same SELECT, see {@link renderSelectList}).
 *
 * @example
 * const extractor = createPostgresExtractor({ connection: { connectionString }, table: { schema: 'public', name: 'sales' } });
 * const x = await extractor.extract({ kind: 'day', column: 'orderdate', date: '2005-05-31', timeZone: 'UTC' }, 'csv');
 */
export function createPostgresExtractor(opts: PostgresExtractorOptions): Extractor {
  const spec: PgSourceSpec = 'table' in opts ? { table: opts.table } : { query: opts.query };
  const source: PgSource = 'pool' in opts ? { pool: opts.pool } : { connection: opts.connection };
  const opener = connectionOpener(source);
  const object = sourceObjectName(spec);
  const batchRows = opts.batchRows ?? 10_000;
  const ctx = (action: string): ErrorContext => ({ source: opener.label, object, action });

  return {
    describe() {
      return ResultAsync.fromPromise(
        (async () => {
          const held = await opener.open();
          let failed = false;
          try {
            return pickColumns(await describeSource(held.client, spec), opts.columns, object);
          } catch (e) {
            failed = true;
            throw e;
          } finally {
            await held.done(failed);
          }
        })(),
        (e) => mapPgError(e, ctx('reading the catalog')),
      );
    },
    extract(window: ExtractWindow, encoding: RowEncoding) {
      if (!Number.isInteger(batchRows) || batchRows < 1) {
        return errAsync(floeError('config', `batchRows must be a positive integer, got ${batchRows}.`, 'Leave batchRows out or pass e.g. 10000.', { object }));
      }
      return ResultAsync.fromPromise(open(window, encoding), (e) => mapPgError(e, ctx('starting the extraction')));
    },
  };

  async function open(window: ExtractWindow, encoding: RowEncoding): Promise<Extraction> {
    validateSplit(opts.split, object);
    const poolMax = 'pool' in source && typeof source.pool !== 'function' ? (source.pool as { options?: { max?: unknown } }).options?.max : undefined;
    if (typeof poolMax === 'number' && poolMax < (opts.split?.slices ?? 1)) {
      // Each slice holds a connection until the end: a smaller pool would wait for itself forever.
      throw floeError('config', `split.slices is ${opts.split!.slices} but the pool allows ${poolMax} connection(s).`, 'Raise the pool\'s max to at least split.slices (plus what else uses it), or lower split.slices.', { object });
    }
    const first = await opener.open();
    const held: HeldConnection[] = [first];
    const readers: SliceReader[] = [];
    try {
      const { client } = first;
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      for (const [name, value] of SESSION_SETTINGS) await client.query('SELECT set_config($1, $2, true)', [name, value]);
      const version = Number(((await client.query('SELECT current_setting($1)::int AS v', ['server_version_num'])).rows[0] as { v: number }).v);
      const all = await describeSource(client, spec);
      const schema = pickColumns(all, opts.columns, object);
      const from = sourceFrom(spec);
      const plan = await planWindow(client, all, from, window, object);
      const list = encoding === 'binary' ? renderBinarySelectList(schema.columns) : renderSelectList(schema.columns, 'q', version);
      const select = `SELECT ${list} FROM ${from} AS q WHERE `;
      const slices = opts.split?.slices ?? 1;
      let conditions = ['TRUE'];
      if (slices > 1 && plan.where !== 'FALSE') {
        const key = splitKey(all, opts.split!, window, object);
        conditions = await sliceConditions(client, key, from, plan.where, slices);
      }
      if (conditions.length > 1) {
        // Every other connection imports this transaction's snapshot, so all slices see the same rows.
        const snapshot = ((await client.query('SELECT pg_export_snapshot() AS s')).rows[0] as { s: string }).s;
        for (let i = 1; i < conditions.length; i++) {
          const more = await opener.open();
          held.push(more);
          await more.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
          await more.client.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(snapshot)}`);
          for (const [name, value] of SESSION_SETTINGS) await more.client.query('SELECT set_config($1, $2, true)', [name, value]);
        }
      }
      for (let i = 0; i < conditions.length; i++) {
        const where = conditions.length > 1 ? `(${plan.where}) AND ${conditions[i]!}` : plan.where;
        readers.push(startRows(held[i]!, schema, `${select}${where}`, encoding));
      }
      return combine(schema, readers, plan.upperBound);
    } catch (e) {
      await Promise.all(readers.map((r) => r.close()));
      await Promise.all(
        held.slice(readers.length).map(async (h) => {
          await h.client.query('ROLLBACK').catch(() => undefined);
          await h.done(true);
        }),
      );
      throw e;
    }
  }

  /** One connection's rows, how to learn they were all read, and how to give the connection back. */
  interface SliceReader {
    readonly rows: RowStream;
    readonly finished: Promise<Result<{ rows: number }, FloeError>>;
    close(): Promise<void>;
  }

  function combine(schema: TableSchema, readers: readonly SliceReader[], upperBound: Extraction['upperBound']): Extraction {
    let closed = false;
    const finished = Promise.all(readers.map((r) => r.finished)).then((results) => {
      let rows = 0;
      for (const r of results) {
        if (r.isErr()) return err(r.error);
        rows += r.value.rows;
      }
      return ok({ rows });
    });
    return {
      schema,
      slices: readers.map((r) => r.rows),
      upperBound,
      finished: new ResultAsync(finished),
      async close() {
        if (closed) return;
        closed = true;
        await Promise.all(readers.map((r) => r.close()));
      },
    };
  }

  function startRows(held: HeldConnection, schema: TableSchema, select: string, encoding: RowEncoding): SliceReader {
    let settle: Settle = () => undefined;
    let settled = false;
    const finishedPromise = new Promise<Result<{ rows: number }, FloeError>>((resolve) => {
      settle = (r) => {
        if (!settled) {
          settled = true;
          resolve(r);
        }
      };
    });
    const fail = (e: unknown): FloeError => {
      const fe = isFloeError(e) ? e : mapPgError(e, ctx('reading rows'));
      settle(err(fe));
      return fe;
    };
    let complete = false;
    let closed = false;
    let stop: () => Promise<boolean>;
    let rows: RowStream;

    if (encoding === 'csv' || encoding === 'binary') {
      const stream = held.client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT ${encoding})`)) as Readable & { rowCount: number };
      // Record an early failure even if nobody iterates yet (an 'error' without a listener would crash).
      stream.on('error', (e) => void fail(e));
      stop = async () => {
        stream.destroy();
        return false;
      };
      rows = {
        encoding,
        chunks: (async function* () {
          try {
            for await (const chunk of stream) yield chunk as Uint8Array;
          } catch (e) {
            throw fail(e);
          }
          try {
            // The stream ends at CopyDone; the row count arrives after it in CommandComplete. The
            // client runs queries in order, so once this one answers the count has been read.
            await held.client.query('SELECT 1');
          } catch (e) {
            throw fail(e);
          }
          complete = true;
          settle(ok({ rows: stream.rowCount }));
        })(),
      };
    } else {
      const passthrough = { getTypeParser: () => (v: string) => v };
      const cursor = held.client.query(new Cursor<Array<string | null>>(select, [], { rowMode: 'array', types: passthrough as never }));
      stop = async () => {
        try {
          await cursor.close();
          return true;
        } catch {
          return false;
        }
      };
      rows = {
        encoding: 'columnar',
        batches: (async function* (): AsyncGenerator<ColumnBatch> {
          let total = 0;
          const width = schema.columns.length;
          for (;;) {
            let batch: Array<Array<string | null>>;
            try {
              batch = await cursor.read(batchRows);
            } catch (e) {
              throw fail(e);
            }
            if (batch.length === 0) break;
            const columns: Array<Array<string | null>> = Array.from({ length: width }, () => new Array<string | null>(batch.length));
            for (let r = 0; r < batch.length; r++) {
              const row = batch[r]!;
              for (let c = 0; c < width; c++) columns[c]![r] = row[c] ?? null;
            }
            total += batch.length;
            yield { rowCount: batch.length, columns };
          }
          complete = true;
          settle(ok({ rows: total }));
        })(),
      };
    }

    return {
      rows,
      finished: finishedPromise,
      async close() {
        if (closed) return;
        closed = true;
        settle(err(floeError('aborted', `The extraction of ${object} was closed before all rows were read.`, 'Nothing to do if the run was stopped on purpose; otherwise look at the error that stopped it.', { object })));
        // A COPY cut short leaves the protocol mid-stream: that connection cannot be reused.
        let reusable = complete || (await stop());
        if (reusable) reusable = await held.client.query('ROLLBACK').then(() => true, () => false);
        await held.done(!reusable);
      },
    };
  }
}

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
import { quoteIdent, renderColumn, SESSION_SETTINGS } from './postgres-sql.js';
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
  };

type Settle = (r: Result<{ rows: number }, FloeError>) => void;

/**
 * Creates an {@link Extractor} over PostgreSQL. Each extraction holds one connection in a
 * REPEATABLE READ, READ ONLY transaction with pinned session settings, so every statement (window
 * bounds, NaN check, rows) sees one snapshot and renders values the same way.
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
    const held = await opener.open();
    try {
      const { client } = held;
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      for (const [name, value] of SESSION_SETTINGS) await client.query('SELECT set_config($1, $2, true)', [name, value]);
      const all = await describeSource(client, spec);
      const schema = pickColumns(all, opts.columns, object);
      const from = sourceFrom(spec);
      const plan = await planWindow(client, all, from, window, object);
      await rejectNonFiniteNumerics(client, schema, from, plan.where);
      const select = `SELECT ${schema.columns.map((c) => `${renderColumn(c, `q.${quoteIdent(c.name)}`)} AS ${quoteIdent(c.name)}`).join(', ')} FROM ${from} AS q WHERE ${plan.where}`;
      return startRows(held, schema, select, encoding, plan.upperBound);
    } catch (e) {
      await held.client.query('ROLLBACK').catch(() => undefined);
      await held.done(true);
      throw e;
    }
  }

  function startRows(held: HeldConnection, schema: TableSchema, select: string, encoding: RowEncoding, upperBound: Extraction['upperBound']): Extraction {
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

    if (encoding === 'csv') {
      const stream = held.client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT csv)`)) as Readable & { rowCount: number };
      // Record an early failure even if nobody iterates yet (an 'error' without a listener would crash).
      stream.on('error', (e) => void fail(e));
      stop = async () => {
        stream.destroy();
        return false;
      };
      rows = {
        encoding: 'csv',
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
      schema,
      rows,
      upperBound,
      finished: new ResultAsync(finishedPromise),
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

/** NUMBER cannot hold NaN or ±Infinity: find them in the snapshot before a single byte is written. */
async function rejectNonFiniteNumerics(client: PgClientLike, schema: TableSchema, from: string, where: string): Promise<void> {
  const numerics = schema.columns.filter((c) => c.baseType === 'numeric' && !c.isArray);
  if (numerics.length === 0) return;
  const checks = numerics.map((c, i) => `bool_or(q.${quoteIdent(c.name)}::text IN ('NaN', 'Infinity', '-Infinity')) AS c${i}`);
  const res = await client.query(`SELECT ${checks.join(', ')} FROM ${from} AS q WHERE ${where}`);
  const row = (res.rows[0] ?? {}) as Record<string, boolean | null>;
  const bad = numerics.filter((_, i) => row[`c${i}`] === true);
  if (bad.length > 0) {
    const names = bad.map((c) => c.name).join(', ');
    throw floeError('unsupported_value', `Column(s) ${names} of ${schema.schema ? `${schema.schema}.` : ''}${schema.name} hold NaN or Infinity in this window; Snowflake NUMBER cannot store them.`, 'Fix or filter those rows at the source (e.g. extract through a query that maps them to NULL), or change the column to double precision.', { object: names });
  }
}

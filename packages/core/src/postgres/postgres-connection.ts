import type { ClientConfig, Submittable } from 'pg';
import pg from 'pg';
import { registerSecret } from '../errors.js';

/** One result of a plain query, as much of `pg.QueryResult` as floe reads. */
export interface PgQueryResult {
  readonly rows: unknown[];
  readonly fields: ReadonlyArray<{ readonly name: string; readonly dataTypeID: number; readonly dataTypeModifier: number }>;
}

/** The part of a `pg.PoolClient` (or `pg.Client`) the extractor calls. */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
  query<T extends Submittable>(submittable: T): T;
}

/** A checked-out connection: the client plus how to give it back (or destroy it on error). */
export interface PgPoolClientLike extends PgClientLike {
  release(destroy?: Error | boolean): void;
}

/** The part of a `pg.Pool` the extractor calls. */
export interface PgPoolLike {
  connect(): Promise<PgPoolClientLike>;
}

/**
 * Where the extractor gets its connections: a pool (or anything shaped like one), a function that
 * returns one lazily, or a connection config (then each extraction opens and ends its own client,
 * so nothing lingers after the run).
 */
export type PgSource =
  | { readonly pool: PgPoolLike | (() => PgPoolLike | Promise<PgPoolLike>) }
  | { readonly connection: ClientConfig };

/** A connection held for one operation; `done(destroy)` returns or closes it. */
export interface HeldConnection {
  readonly client: PgClientLike;
  done(destroy: boolean): Promise<void>;
}

/** What error messages may say about the target: host, port and database, never credentials. */
export interface SourceLabel {
  readonly host: string;
  readonly database: string;
}

/** Builds the connection opener for a source; registers its password as a secret first. */
export function connectionOpener(source: PgSource): { open(): Promise<HeldConnection>; label: SourceLabel } {
  if ('connection' in source) {
    const cfg = source.connection;
    if (typeof cfg.password === 'string') registerSecret(cfg.password);
    const parsed = cfg.connectionString ? safeUrl(cfg.connectionString) : undefined;
    if (parsed?.password) registerSecret(decodeURIComponent(parsed.password));
    const host = cfg.host ?? parsed?.hostname ?? 'localhost';
    const port = cfg.port ?? (parsed?.port ? Number(parsed.port) : 5432);
    const database = cfg.database ?? (parsed?.pathname.replace(/^\//, '') || 'postgres');
    return {
      label: { host: `${host}:${port}`, database },
      async open() {
        const client = new pg.Client(cfg);
        // A connection error after connect() would otherwise crash the process as an unhandled 'error'.
        client.on('error', () => undefined);
        try {
          await client.connect();
        } catch (e) {
          await client.end().catch(() => undefined);
          throw e;
        }
        return {
          client: client as unknown as PgClientLike,
          async done() {
            await client.end().catch(() => undefined);
          },
        };
      },
    };
  }
  const poolOrFactory = source.pool;
  // A pg.Pool exposes its settings as `options`; a pool of another shape is named generically.
  const label = { host: 'the configured pool', database: 'its database' };
  const learn = (pool: PgPoolLike) => {
    const o = (pool as { options?: { host?: unknown; port?: unknown; database?: unknown } }).options;
    if (typeof o?.host === 'string') label.host = `${o.host}:${typeof o.port === 'number' ? o.port : 5432}`;
    if (typeof o?.database === 'string') label.database = o.database;
  };
  if (typeof poolOrFactory !== 'function') learn(poolOrFactory);
  return {
    label,
    async open() {
      const pool = typeof poolOrFactory === 'function' ? await poolOrFactory() : poolOrFactory;
      learn(pool);
      const client = await pool.connect();
      return {
        client,
        async done(destroy: boolean) {
          client.release(destroy ? true : undefined);
        },
      };
    },
  };
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

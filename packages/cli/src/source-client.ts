import pg from 'pg';
import { ResultAsync } from 'neverthrow';
import { floeError, pgClientConfig, type FloeError } from '@floe/core';
import type { FloeConfig } from './context.js';

/** The part of a pg client the CLI's own queries (check, verify) use. */
export interface SourceClient {
  query<R>(sql: string, values?: unknown[]): ResultAsync<R[], FloeError>;
  end(): Promise<void>;
}

/** `host:port/database`: what messages may say about the source (never the user's password). */
export function sourceLabel(source: FloeConfig['source']): string {
  if (source.url) {
    const u = new URL(source.url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  }
  return `${source.host}:${source.port}/${source.database}`;
}


/** Maps a pg error to floe's kinds, naming the server and the fix (never the password). */
export function sourceError(e: unknown, label: string, passwordEnv: string): FloeError {
  const code = (e as { code?: string }).code;
  const msg = e instanceof Error ? e.message : String(e);
  if (code === '28P01' || code === '28000')
    return floeError('source_auth', `PostgreSQL at ${label} rejected the credentials: ${msg}`, `Check source.user and the password in $${passwordEnv}.`, { object: label, cause: e });
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || /timeout|ECONNRESET/i.test(msg))
    return floeError('source_unreachable', `PostgreSQL at ${label} is not reachable (${code ?? msg})`, 'Check source.url/host/port, that the server runs and that this machine may connect to it.', { object: label, cause: e });
  if (code === '3D000') return floeError('config', `PostgreSQL database does not exist: ${msg}`, 'Fix the database in source.url or source.database.', { object: label, cause: e });
  if (code === '42P01') return floeError('unknown_table', `PostgreSQL: ${msg}`, 'Check tables[].source in the config.', { object: label, cause: e });
  if (code === '42703') return floeError('unknown_column', `PostgreSQL: ${msg}`, 'Check the window column in the config.', { object: label, cause: e });
  return floeError('source_query', `PostgreSQL query failed on ${label}: ${msg}`, 'Re-run with --debug for the cause.', { object: label, cause: e });
}

/** Opens one client on the source. */
export function openSource(config: FloeConfig): ResultAsync<SourceClient, FloeError> {
  const label = sourceLabel(config.source);
  return pgClientConfig(config.source, config.secrets.sourcePassword?.reveal(), 'floe-cli').andThen((cc) => {
    const client = new pg.Client({ connectionTimeoutMillis: 10_000, ...cc });
    client.on('error', () => undefined);
    return connect(client, label, config.source.passwordEnv);
  });
}

function connect(client: pg.Client, label: string, passwordEnv: string): ResultAsync<SourceClient, FloeError> {
  return ResultAsync.fromPromise(client.connect(), (e) => sourceError(e, label, passwordEnv)).map(() => ({
    query: <R>(sql: string, values?: unknown[]) =>
      ResultAsync.fromPromise(
        client.query(sql, values).then((r) => r.rows as R[]),
        (e) => sourceError(e, label, passwordEnv),
      ),
    end: () => client.end().catch(() => undefined),
  }));
}

import { floeError, type FloeError, isFloeError } from '../errors.js';
import type { SourceLabel } from './postgres-connection.js';
import { nonFiniteColumnOf } from './postgres-sql.js';

/** What was being read when an error happened, for the message and `object`. */
export interface ErrorContext {
  readonly source: SourceLabel;
  /** `schema.table` or the query's name. */
  readonly object: string;
  readonly action: string;
}

/**
 * Maps a node-postgres / socket error to a FloeError once, at the adapter edge. PostgreSQL error
 * codes (SQLSTATE) are stable across versions, so they decide the kind; the text is ours.
 */
export function mapPgError(e: unknown, ctx: ErrorContext): FloeError {
  if (isFloeError(e)) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const text = e instanceof Error ? e.message : String(e);
  const where = `PostgreSQL at ${ctx.source.host}, database ${ctx.source.database}`;
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH'].includes(code) || /timeout|terminated unexpectedly/i.test(text)) {
    return floeError('source_unreachable', `Cannot reach ${where} while ${ctx.action} (${code || text}).`, 'Check the host and port, that PostgreSQL is running and accepts TCP connections from this machine (listen_addresses, pg_hba.conf, firewall).', { object: ctx.source.host, cause: e });
  }
  if (code === '28P01' || code === '28000') {
    return floeError('source_auth', `${where} rejected the credentials while ${ctx.action}.`, 'Check the user name and password (or the PGPASSWORD / connection string you configured) and the pg_hba.conf rule for this client.', { object: ctx.source.database, cause: e });
  }
  if (code === '42P01') {
    return floeError('unknown_table', `Table ${ctx.object} does not exist in ${where}.`, 'Check the schema and table name (PostgreSQL folds unquoted names to lower case) and that the user can see it.', { object: ctx.object, cause: e });
  }
  if (code === '42703') {
    return floeError('unknown_column', `A column used while ${ctx.action} does not exist in ${ctx.object}: ${text}.`, 'Check the column names in the window and the column list against the table.', { object: ctx.object, cause: e });
  }
  const nonFinite = code === '22P02' ? nonFiniteColumnOf(text) : undefined;
  if (nonFinite !== undefined) {
    return floeError('unsupported_value', `Column ${nonFinite} of ${ctx.object} holds NaN or Infinity in this window; Snowflake NUMBER cannot store them.`, 'Fix or filter those rows at the source (e.g. extract through a query that maps them to NULL), or change the column to double precision. Nothing was published.', { object: nonFinite, cause: e });
  }
  if (code === '3D000') {
    return floeError('config', `Database ${ctx.source.database} does not exist at ${ctx.source.host}.`, 'Fix the database name in the connection settings.', { object: ctx.source.database, cause: e });
  }
  return floeError('source_query', `${where} failed while ${ctx.action} on ${ctx.object}: ${text}${code ? ` (SQLSTATE ${code})` : ''}.`, 'Read the PostgreSQL message above; check permissions (SELECT on the table) and the query.', { object: ctx.object, cause: e });
}

/**
 * The errors of the sales helpers. Shaped like core's FloeError (this package cannot depend on
 * core, which uses it in its tests), so callers handle both the same way.
 */
export interface SalesError {
  readonly kind: 'config' | 'source_query' | 'source_unreachable';
  readonly message: string;
  readonly hint: string;
  readonly object?: string;
  readonly cause?: unknown;
}

/** Wraps whatever a load threw into a {@link SalesError}, keeping one that already is one. */
export function salesError(e: unknown, object: string, action: string): SalesError {
  if (typeof e === 'object' && e !== null && 'kind' in e && 'hint' in e && 'message' in e) return e as SalesError;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const detail = e instanceof Error ? e.message : String(e);
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET'].includes(code)) {
    return { kind: 'source_unreachable', message: `PostgreSQL was unreachable while ${action} (${code}).`, hint: 'Check that PostgreSQL is running and the connection settings.', object, cause: e };
  }
  if (code === 'ENOENT') {
    return { kind: 'config', message: `File ${object} does not exist (${action}).`, hint: 'Check the path of the CSV file.', object, cause: e };
  }
  return { kind: 'source_query', message: `Failed while ${action}: ${detail}.`, hint: 'Read the message above; check the table exists (createSalesTable) and the file is the Kaggle sales_data_sample.csv.', object, cause: e };
}

import { configError } from '../errors.js';

/**
 * The one identifier rule of floe (see the package README): a PostgreSQL or config name is
 * upper-cased and double-quoted, an embedded `"` is doubled. Upper-casing first means the quoted
 * name is the one Snowflake would store for the unquoted spelling (`ordernumber` → `ORDERNUMBER`),
 * so users can query `SELECT ordernumber FROM sales` without quotes; quoting means no name, however
 * hostile (spaces, `;`, reserved words), can end the identifier early.
 * Snowflake identifiers: at most 255 characters; quoted ones may hold any printable character
 * (docs.snowflake.com/en/sql-reference/identifiers-syntax).
 */
export function normaliseName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) configError('An empty name cannot become a Snowflake identifier.', 'Give every table, column and object a non-empty name.', String(name));
  // Control characters are legal inside a quoted identifier but invisible in every UI: refuse them.
  if (/[\u0000-\u001f\u007f]/.test(name)) configError(`The name ${JSON.stringify(name)} contains a control character.`, 'Rename the object or column (or map it to another name in the floe config).', JSON.stringify(name));
  const upper = name.toUpperCase();
  if (upper.length > 255) configError(`The name ${JSON.stringify(name.slice(0, 40))}… is longer than Snowflake's 255-character limit.`, 'Use a shorter name in the floe config.', name.slice(0, 40));
  return upper;
}

/** A schema-qualified Snowflake object name, kept raw until compiled. */
export interface ObjectName {
  readonly database?: string;
  readonly schema?: string;
  readonly name: string;
}

/**
 * Fails when two names are the same after upper-casing (`Sales` and `sales` would become one
 * Snowflake column and one of them would be lost).
 */
export function assertNoCollisions(names: readonly string[], where: string): void {
  const seen = new Map<string, string>();
  for (const n of names) {
    const key = normaliseName(n);
    const prior = seen.get(key);
    if (prior !== undefined) configError(`${where}: the names ${JSON.stringify(prior)} and ${JSON.stringify(n)} both become "${key.replace(/"/g, '""')}" in Snowflake.`, 'Rename one of them in PostgreSQL (or select it under another name) so every name is unique ignoring case.', where);
    seen.set(key, n);
  }
}

import { ident } from '@floe/snowflake-ddl';

/**
 * Snowflake SQL text for the CLI's own read-only queries (status, verify), with floe's one
 * identifier rule from @floe/snowflake-ddl: upper-cased and double-quoted, `"` doubled; string
 * literals with `'` and `\` doubled.
 */
export { ident, literal } from '@floe/snowflake-ddl';

/** `"DB"."SCHEMA"."NAME"` */
export function qualified(database: string, schema: string, name: string): string {
  return `${ident(database)}.${ident(schema)}.${ident(name)}`;
}

import type { SourceColumn, SourceTable } from '@floe/snowflake-ddl';

/** A column as read from PostgreSQL's catalog (never guessed from values). */
export type ColumnSchema = SourceColumn;
/** A table (or query result) as read from PostgreSQL's catalog. */
export type TableSchema = SourceTable;

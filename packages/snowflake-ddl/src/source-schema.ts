/**
 * How floe describes a PostgreSQL table. Core fills it from the catalog; this package reads it to
 * type the Snowflake side. It lives here, not in core, because dependencies point one way
 * (core → snowflake-ddl) and both need it.
 */
export interface SourceColumn {
  /** The column name exactly as PostgreSQL stores it (usually lower case). */
  readonly name: string;
  /** `format_type()` text, e.g. `numeric(10,2)`, `timestamp with time zone`, `integer[]`. */
  readonly pgType: string;
  /** The base type's `typname` (element type for arrays): `numeric`, `int4`, `timestamptz`, `text`... */
  readonly baseType: string;
  readonly isArray: boolean;
  readonly nullable: boolean;
  /** numeric(p,s): precision and scale; undefined for unconstrained numeric. */
  readonly precision?: number;
  readonly scale?: number;
  /** varchar(n) / char(n) length. */
  readonly length?: number;
}

export interface SourceTable {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly SourceColumn[];
  /** Primary key column names in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
}

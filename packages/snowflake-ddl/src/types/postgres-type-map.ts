import { SnowflakeDdlError } from '../errors.js';
import type { SourceColumn } from '../source-schema.js';
import type { SnowflakeType } from './snowflake-type.js';

/** Choices the type map cannot make for the user. */
export interface TypeMapOptions {
  /**
   * Unconstrained `numeric` (no precision/scale) can hold any number of digits, so no NUMBER(p,s)
   * holds every value. `'varchar'` (default) keeps the exact decimal text; `{ scale }` loads it as
   * NUMBER(38, scale), and Snowflake then rounds values with more fraction digits: choose it only
   * when the data is known to fit.
   */
  readonly unconstrainedNumeric?: 'varchar' | { readonly scale: number };
  /** Types the table does not know (enums, domains, extensions): `'error'` (default) or `'varchar'` (their text form). */
  readonly unknownTypes?: 'error' | 'varchar';
  /** Per-column overrides by PostgreSQL column name; they win over the table. */
  readonly columnTypes?: Readonly<Record<string, SnowflakeType>>;
}

/** One row of the type table: how a PostgreSQL base type becomes a Snowflake type, and why. */
export interface PostgresTypeRule {
  readonly map: (column: SourceColumn, options: TypeMapOptions) => SnowflakeType;
  /** The decision, in words (printed in the README's table). */
  readonly note: string;
}

const fixed = (type: SnowflakeType, note: string): PostgresTypeRule => ({ map: () => type, note });

function numericRule(column: SourceColumn, options: TypeMapOptions): SnowflakeType {
  const { precision: p, scale } = column;
  if (p === undefined) {
    const choice = options.unconstrainedNumeric ?? 'varchar';
    return choice === 'varchar' ? { name: 'VARCHAR' } : { name: 'NUMBER', precision: 38, scale: choice.scale };
  }
  const s = scale ?? 0;
  if (p > 38 || s < 0 || s > p) {
    throw new SnowflakeDdlError(
      'unsupported_value',
      `Column ${JSON.stringify(column.name)} is ${column.pgType}, which Snowflake's NUMBER (precision ≤ 38, 0 ≤ scale ≤ precision) cannot hold exactly.`,
      `Set columnTypes[${JSON.stringify(column.name)}] to { name: 'VARCHAR' } to keep the exact text, or narrow the column in PostgreSQL.`,
      column.name,
    );
  }
  return { name: 'NUMBER', precision: p, scale: s };
}

const varcharWithLength = (column: SourceColumn): SnowflakeType => (column.length !== undefined ? { name: 'VARCHAR', length: column.length } : { name: 'VARCHAR' });

/**
 * PostgreSQL base type (`typname`) → Snowflake type. Value text forms are the ones core's extractor
 * selects (see the conventions): they are what the CSV file format and the pipe's casts parse.
 * Snowflake types: docs.snowflake.com/en/sql-reference/intro-summary-data-types.
 */
export const POSTGRES_TYPE_MAP: Readonly<Record<string, PostgresTypeRule>> = {
  int2: fixed({ name: 'NUMBER', precision: 5, scale: 0 }, 'smallint: NUMBER(5,0), every int2 fits'),
  int4: fixed({ name: 'NUMBER', precision: 10, scale: 0 }, 'integer: NUMBER(10,0)'),
  int8: fixed({ name: 'NUMBER', precision: 19, scale: 0 }, 'bigint: NUMBER(19,0)'),
  oid: fixed({ name: 'NUMBER', precision: 10, scale: 0 }, 'oid: NUMBER(10,0)'),
  numeric: { map: numericRule, note: 'numeric(p,s): NUMBER(p,s) exactly (p ≤ 38, else an error); unconstrained numeric: VARCHAR (exact text) unless unconstrainedNumeric gives a scale' },
  float4: fixed({ name: 'FLOAT' }, 'real: FLOAT (double precision holds every real exactly); NaN/±Infinity kept'),
  float8: fixed({ name: 'FLOAT' }, 'double precision: FLOAT; NaN/±Infinity kept'),
  bool: fixed({ name: 'BOOLEAN' }, 'boolean: BOOLEAN (t/f parse as TRUE/FALSE)'),
  text: fixed({ name: 'VARCHAR' }, 'text: VARCHAR (16 MB maximum)'),
  varchar: { map: varcharWithLength, note: 'varchar(n): VARCHAR(n), both count characters' },
  bpchar: { map: varcharWithLength, note: 'char(n): VARCHAR(n), the padding PostgreSQL outputs is kept' },
  name: fixed({ name: 'VARCHAR', length: 63 }, 'name: VARCHAR(63)'),
  citext: fixed({ name: 'VARCHAR' }, 'citext: VARCHAR (comparisons become case-sensitive)'),
  uuid: fixed({ name: 'VARCHAR', length: 36 }, 'uuid: VARCHAR(36), canonical lower-case text'),
  date: fixed({ name: 'DATE' }, 'date: DATE'),
  time: fixed({ name: 'TIME' }, 'time: TIME (precision 9 holds microseconds)'),
  timetz: fixed({ name: 'VARCHAR' }, 'time with time zone: VARCHAR (Snowflake has no zoned TIME)'),
  timestamp: fixed({ name: 'TIMESTAMP_NTZ' }, 'timestamp: TIMESTAMP_NTZ, wall-clock value unchanged'),
  timestamptz: fixed({ name: 'TIMESTAMP_TZ' }, 'timestamptz: TIMESTAMP_TZ, the instant with offset +00:00 (never shifted by a session zone)'),
  interval: fixed({ name: 'VARCHAR' }, 'interval: VARCHAR, ISO 8601 text (Snowflake has no interval column type)'),
  json: fixed({ name: 'VARIANT' }, 'json: VARIANT via PARSE_JSON'),
  jsonb: fixed({ name: 'VARIANT' }, 'jsonb: VARIANT via PARSE_JSON'),
  bytea: fixed({ name: 'BINARY' }, 'bytea: BINARY, loaded from hex (8 MB maximum per value)'),
  xml: fixed({ name: 'VARCHAR' }, 'xml: VARCHAR (text form)'),
  inet: fixed({ name: 'VARCHAR' }, 'inet: VARCHAR'),
  cidr: fixed({ name: 'VARCHAR' }, 'cidr: VARCHAR'),
  macaddr: fixed({ name: 'VARCHAR' }, 'macaddr: VARCHAR'),
  macaddr8: fixed({ name: 'VARCHAR' }, 'macaddr8: VARCHAR'),
  bit: fixed({ name: 'VARCHAR' }, 'bit(n): VARCHAR of 0/1'),
  varbit: fixed({ name: 'VARCHAR' }, 'bit varying: VARCHAR of 0/1'),
};

/** Arrays of any element type become ARRAY (the extractor writes them as JSON via `to_json`). */
export const ARRAY_TYPE_NOTE = 'any array (e.g. integer[]): ARRAY via PARSE_JSON of the to_json text';

/**
 * The Snowflake type of a PostgreSQL column: overrides first, then arrays, then the table.
 * Throws `SnowflakeDdlError` (`unsupported_value`) for a type floe cannot load exactly.
 *
 * @example
 * mapPostgresType({ name: 'sales', pgType: 'numeric(12,2)', baseType: 'numeric', isArray: false, nullable: true, precision: 12, scale: 2 })
 * // → { name: 'NUMBER', precision: 12, scale: 2 }
 */
export function mapPostgresType(column: SourceColumn, options: TypeMapOptions = {}): SnowflakeType {
  const override = options.columnTypes?.[column.name];
  if (override !== undefined) return override;
  if (column.isArray) return { name: 'ARRAY' };
  const rule = POSTGRES_TYPE_MAP[column.baseType];
  if (rule !== undefined) return rule.map(column, options);
  if (column.baseType === 'money') {
    throw new SnowflakeDdlError(
      'unsupported_value',
      `Column ${JSON.stringify(column.name)} is money, whose text form depends on lc_monetary ("$1,234.50").`,
      `Select it as numeric(…,2) in the source query, or set columnTypes[${JSON.stringify(column.name)}].`,
      column.name,
    );
  }
  if (options.unknownTypes === 'varchar') return { name: 'VARCHAR' };
  throw new SnowflakeDdlError(
    'unsupported_value',
    `Column ${JSON.stringify(column.name)} has type ${column.pgType} (${column.baseType}), which floe's type map does not know.`,
    `Set columnTypes[${JSON.stringify(column.name)}] to a Snowflake type, or unknownTypes: 'varchar' to load its text form.`,
    column.name,
  );
}

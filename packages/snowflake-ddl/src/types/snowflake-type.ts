import { configError } from '../errors.js';

/** The Snowflake column types floe emits. */
export type SnowflakeTypeName =
  | 'NUMBER'
  | 'FLOAT'
  | 'BOOLEAN'
  | 'VARCHAR'
  | 'BINARY'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP_NTZ'
  | 'TIMESTAMP_TZ'
  | 'TIMESTAMP_LTZ'
  | 'VARIANT'
  | 'ARRAY'
  | 'OBJECT';

/** A Snowflake column type as data; `renderType` turns it into SQL. */
export interface SnowflakeType {
  readonly name: SnowflakeTypeName;
  /** NUMBER only. */
  readonly precision?: number;
  readonly scale?: number;
  /** VARCHAR / BINARY only; absent = the maximum. */
  readonly length?: number;
}

/** Shorthands for declaring derived-table columns: `t.number(38, 2)`, `t.varchar()`. */
export const t = {
  number: (precision: number, scale: number): SnowflakeType => ({ name: 'NUMBER', precision, scale }),
  varchar: (length?: number): SnowflakeType => (length === undefined ? { name: 'VARCHAR' } : { name: 'VARCHAR', length }),
  float: (): SnowflakeType => ({ name: 'FLOAT' }),
  boolean: (): SnowflakeType => ({ name: 'BOOLEAN' }),
  date: (): SnowflakeType => ({ name: 'DATE' }),
  time: (): SnowflakeType => ({ name: 'TIME' }),
  timestampNtz: (): SnowflakeType => ({ name: 'TIMESTAMP_NTZ' }),
  timestampTz: (): SnowflakeType => ({ name: 'TIMESTAMP_TZ' }),
  timestampLtz: (): SnowflakeType => ({ name: 'TIMESTAMP_LTZ' }),
  binary: (): SnowflakeType => ({ name: 'BINARY' }),
  variant: (): SnowflakeType => ({ name: 'VARIANT' }),
  array: (): SnowflakeType => ({ name: 'ARRAY' }),
} as const;

const intIn = (n: number | undefined, lo: number, hi: number): n is number => n !== undefined && Number.isInteger(n) && n >= lo && n <= hi;

/** `NUMBER(12,2)`, `VARCHAR(36)`, `VARIANT`... Validates the numbers so no config can inject SQL here. */
export function renderType(type: SnowflakeType): string {
  switch (type.name) {
    case 'NUMBER': {
      const p = type.precision ?? 38;
      const s = type.scale ?? 0;
      // docs.snowflake.com/en/sql-reference/data-types-numeric: precision 1..38, scale 0..precision.
      if (!intIn(p, 1, 38) || !intIn(s, 0, p)) configError(`NUMBER(${String(type.precision)},${String(type.scale)}) is not a valid Snowflake type.`, 'Use a precision from 1 to 38 and a scale from 0 to the precision.');
      return `NUMBER(${p},${s})`;
    }
    case 'VARCHAR':
    case 'BINARY':
      if (type.length === undefined) return type.name;
      if (!intIn(type.length, 1, 134_217_728)) configError(`${type.name}(${String(type.length)}) is not a valid Snowflake type.`, 'Use a positive length within Snowflake\'s maximum.');
      return `${type.name}(${type.length})`;
    default:
      if (!/^[A-Z_]+$/.test(type.name)) configError(`Unknown Snowflake type ${JSON.stringify(type.name)}.`, 'Use one of the SnowflakeTypeName values.');
      return type.name;
  }
}

/** True for the types whose values arrive as JSON text and must go through PARSE_JSON. */
export function isJsonType(type: SnowflakeType): boolean {
  return type.name === 'VARIANT' || type.name === 'ARRAY' || type.name === 'OBJECT';
}

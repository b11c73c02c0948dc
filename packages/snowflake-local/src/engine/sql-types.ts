/**
 * Snowflake column types → DuckDB types. Integers become DECIMAL(38,0) because Snowflake's INT is
 * NUMBER(38,0); TIMESTAMP_NTZ becomes TIMESTAMP_NS so nanoseconds survive; VARIANT/OBJECT/ARRAY are JSON.
 */
import type { Token } from './sql-tokenizer.js';

export interface MappedType {
  readonly sql: string;
  /** Tokens consumed from the start index (the type name and its parenthesised arguments). */
  readonly consumed: number;
}

const INTEGER_NAMES = new Set(['INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BYTEINT']);
const NUMBER_NAMES = new Set(['NUMBER', 'DECIMAL', 'NUMERIC', 'DEC']);
const FLOAT_NAMES = new Set(['FLOAT', 'FLOAT4', 'FLOAT8', 'DOUBLE', 'REAL']);
const TEXT_NAMES = new Set(['VARCHAR', 'STRING', 'TEXT', 'CHAR', 'CHARACTER', 'NCHAR', 'NVARCHAR', 'NVARCHAR2', 'CHAR_VARYING', 'NCHAR_VARYING']);
const SIMPLE: Record<string, string> = {
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMP_NS',
  DATETIME: 'TIMESTAMP_NS',
  TIMESTAMP_NTZ: 'TIMESTAMP_NS',
  TIMESTAMPNTZ: 'TIMESTAMP_NS',
  TIMESTAMP_LTZ: 'TIMESTAMPTZ',
  TIMESTAMPLTZ: 'TIMESTAMPTZ',
  TIMESTAMP_TZ: 'TIMESTAMPTZ',
  TIMESTAMPTZ: 'TIMESTAMPTZ',
  VARIANT: 'JSON',
  OBJECT: 'JSON',
  ARRAY: 'JSON',
  JSON: 'JSON',
  BINARY: 'BLOB',
  VARBINARY: 'BLOB',
  BLOB: 'BLOB',
  GEOGRAPHY: 'VARCHAR',
  GEOMETRY: 'VARCHAR',
};

/** True when the word names a Snowflake type this module maps. */
export function isSnowflakeTypeName(word: string): boolean {
  const up = word.toUpperCase();
  return INTEGER_NAMES.has(up) || NUMBER_NAMES.has(up) || FLOAT_NAMES.has(up) || TEXT_NAMES.has(up) || up in SIMPLE;
}

function nextMeaningful(tokens: readonly Token[], i: number): number {
  let j = i;
  while (j < tokens.length && (tokens[j]!.kind === 'ws' || tokens[j]!.kind === 'comment')) j++;
  return j;
}

/** Reads `( n [, m] )` after a type name; returns the numbers and the index after `)`. */
function readArgs(tokens: readonly Token[], i: number): { args: string[]; end: number } | undefined {
  const open = nextMeaningful(tokens, i);
  if (tokens[open]?.text !== '(') return undefined;
  const args: string[] = [];
  let j = open + 1;
  for (; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.text === ')') return { args, end: j + 1 };
    if (t.kind === 'number' || t.kind === 'word') args.push(t.text);
  }
  return undefined;
}

/** Maps the type starting at `tokens[i]` (a word) or returns undefined when it is no Snowflake type. */
export function mapType(tokens: readonly Token[], i: number): MappedType | undefined {
  const first = tokens[i];
  if (!first || first.kind !== 'word') return undefined;
  const up = first.value.toUpperCase();
  const args = readArgs(tokens, i + 1);
  const withArgs = (sql: string): MappedType => ({ sql, consumed: (args ? args.end : i + 1) - i });
  if (INTEGER_NAMES.has(up)) return { sql: 'DECIMAL(38,0)', consumed: 1 };
  if (NUMBER_NAMES.has(up)) {
    const p = args?.args[0] ?? '38';
    const s = args?.args[1] ?? '0';
    return withArgs(`DECIMAL(${p},${s})`);
  }
  if (FLOAT_NAMES.has(up)) {
    const after = tokens[nextMeaningful(tokens, i + 1)];
    if (up === 'DOUBLE' && after?.kind === 'word' && after.value.toUpperCase() === 'PRECISION') {
      return { sql: 'DOUBLE', consumed: nextMeaningful(tokens, i + 1) + 1 - i };
    }
    return withArgs('DOUBLE');
  }
  if (TEXT_NAMES.has(up)) {
    const after = tokens[nextMeaningful(tokens, i + 1)];
    if (after?.kind === 'word' && after.value.toUpperCase() === 'VARYING') {
      const a2 = readArgs(tokens, nextMeaningful(tokens, i + 1) + 1);
      return { sql: 'VARCHAR', consumed: (a2 ? a2.end : nextMeaningful(tokens, i + 1) + 1) - i };
    }
    return withArgs('VARCHAR');
  }
  const simple = SIMPLE[up];
  if (simple) {
    // Precision arguments (TIMESTAMP_NTZ(9), BINARY(16), TIME(3)) have no DuckDB counterpart.
    return withArgs(simple);
  }
  return undefined;
}

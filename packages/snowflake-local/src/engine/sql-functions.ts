/**
 * Snowflake functions DuckDB lacks or spells differently, rewritten to DuckDB SQL. Arguments arrive
 * already translated; the clock-reading functions take the engine clock's instant so tests (and
 * tasks on a ManualClock) see the time they set.
 */
import type { DialectContext } from './sql-dialect.js';
import { sqlString } from './sql-quote.js';
import type { Token } from './sql-tokenizer.js';
import { syntaxError } from './sql-error.js';

/** A function call met by the translator. */
export interface FunctionCall {
  /** Upper-case name. */
  readonly name: string;
  /** The arguments translated to DuckDB SQL (computed once: binds are numbered as they are met). */
  args(): string[];
  /** The raw tokens of one argument (for date parts and literals). */
  rawArg(index: number): Token[];
  /** The first argument read as a Snowflake date part (`day`, `'mm'`...), as DuckDB names it. */
  datePart(): string;
  /** A LISTAGG/ARRAY_AGG `WITHIN GROUP (ORDER BY ...)` clause, translated, to put inside the call. */
  readonly within: string;
}

/** Snowflake date-part names and abbreviations → DuckDB's part names. */
export const DATE_PARTS: Record<string, string> = {
  Y: 'year', YY: 'year', YYY: 'year', YYYY: 'year', YR: 'year', YEARS: 'year', YRS: 'year', YEAR: 'year',
  MM: 'month', MON: 'month', MONS: 'month', MONTHS: 'month', MONTH: 'month',
  D: 'day', DD: 'day', DAYS: 'day', DAYOFMONTH: 'day', DAY: 'day',
  W: 'week', WK: 'week', WEEKOFYEAR: 'week', WOY: 'week', WY: 'week', WEEKS: 'week', WEEK: 'week',
  Q: 'quarter', QTR: 'quarter', QTRS: 'quarter', QUARTERS: 'quarter', QUARTER: 'quarter',
  H: 'hour', HH: 'hour', HR: 'hour', HOURS: 'hour', HRS: 'hour', HOUR: 'hour',
  M: 'minute', MI: 'minute', MIN: 'minute', MINUTES: 'minute', MINS: 'minute', MINUTE: 'minute',
  S: 'second', SEC: 'second', SECONDS: 'second', SECS: 'second', SECOND: 'second',
  MS: 'millisecond', MSEC: 'millisecond', MILLISECONDS: 'millisecond', MILLISECOND: 'millisecond',
  US: 'microsecond', USEC: 'microsecond', MICROSECONDS: 'microsecond', MICROSECOND: 'microsecond',
  NS: 'nanosecond', NSEC: 'nanosecond', NANOSEC: 'nanosecond', NSECOND: 'nanosecond', NANOSECONDS: 'nanosecond', NANOSECOND: 'nanosecond',
};

/** The DuckDB SQL for a Snowflake function call, or undefined to leave the call as written. */
export function rewriteSnowflakeFunction(call: FunctionCall, c: DialectContext): string | undefined {
  const up = call.name;
  const a = (): string[] => call.args();
  switch (up) {
    case 'CURRENT_TIMESTAMP':
    case 'LOCALTIMESTAMP':
    case 'SYSDATE':
    case 'GETDATE':
    case 'SYSTIMESTAMP':
      return up === 'SYSDATE' ? `CAST(${sqlString(c.now.toISOString().replace('T', ' ').replace('Z', ''))} AS TIMESTAMP_NS)` : `CAST(${sqlString(c.now.toISOString())} AS TIMESTAMPTZ)`;
    case 'CURRENT_DATE':
      return `CAST(${sqlString(c.now.toISOString().slice(0, 10))} AS DATE)`;
    case 'CURRENT_ROLE':
      return sqlString(c.role);
    case 'CURRENT_USER':
      return sqlString(c.user);
    case 'CURRENT_WAREHOUSE':
      return sqlString(c.warehouse);
    case 'CURRENT_ACCOUNT':
    case 'CURRENT_ACCOUNT_NAME':
      return sqlString(c.account);
    case 'CURRENT_DATABASE':
      return c.database ? sqlString(c.database) : 'NULL';
    case 'CURRENT_SCHEMA':
      return c.schema ? sqlString(c.schema) : 'NULL';
    case 'CURRENT_SESSION':
      return sqlString(c.sessionId);
    case 'CURRENT_VERSION':
      return sqlString('9.99.0');
    case 'CURRENT_REGION':
      return sqlString('LOCAL');
    case 'IFF':
      return `IF(${a().join(', ')})`;
    case 'NVL':
      return `COALESCE(${a().join(', ')})`;
    case 'NVL2': {
      const [x, y, z] = a();
      return `(CASE WHEN (${x}) IS NOT NULL THEN (${y}) ELSE (${z}) END)`;
    }
    case 'ZEROIFNULL':
      return `COALESCE(${a()[0]}, 0)`;
    case 'NULLIFZERO':
      return `NULLIF(${a()[0]}, 0)`;
    case 'DIV0': {
      const [x, y] = a();
      return `(CASE WHEN (${y}) = 0 THEN 0 ELSE (${x}) / (${y}) END)`;
    }
    case 'EQUAL_NULL': {
      const [x, y] = a();
      return `((${x}) IS NOT DISTINCT FROM (${y}))`;
    }
    case 'PARSE_JSON':
      return `json(${a()[0]})`;
    case 'TRY_PARSE_JSON': {
      const x = a()[0];
      return `(CASE WHEN json_valid(${x}) THEN json(${x}) ELSE NULL END)`;
    }
    case 'TO_VARIANT':
    case 'TO_OBJECT':
    case 'TO_ARRAY':
      return `to_json(${a()[0]})`;
    case 'OBJECT_CONSTRUCT':
    case 'OBJECT_CONSTRUCT_KEEP_NULL': {
      const args = a();
      if (args.some((x) => x === '*')) throw syntaxError(`${up}(*) is not supported by the local Snowflake endpoint`);
      return `json_object(${args.join(', ')})`;
    }
    case 'ARRAY_CONSTRUCT':
      return `json_array(${a().join(', ')})`;
    case 'ARRAY_SIZE':
      return `json_array_length(${a()[0]})`;
    case 'DATEADD':
    case 'TIMESTAMPADD':
    case 'TIMEADD': {
      const part = call.datePart();
      const [, n, d] = a();
      if (part === 'nanosecond') return `(${d} + to_microseconds(CAST((${n}) / 1000 AS BIGINT)))`;
      if (part === 'quarter') return `(${d} + to_months(CAST((${n}) * 3 AS INTEGER)))`;
      return `(${d} + to_${part}s(CAST(${n} AS ${part === 'second' || part === 'millisecond' || part === 'microsecond' ? 'BIGINT' : 'INTEGER'})))`;
    }
    case 'DATEDIFF':
    case 'TIMESTAMPDIFF':
    case 'TIMEDIFF': {
      const part = call.datePart();
      const [, x, y] = a();
      if (part === 'nanosecond') return `(date_diff('microsecond', ${x}, ${y}) * 1000)`;
      return `date_diff(${sqlString(part)}, ${x}, ${y})`;
    }
    case 'DATE_TRUNC': {
      const raw = call.rawArg(0);
      const [, x] = a();
      const word = raw.length === 1 && raw[0]!.kind !== 'string' ? DATE_PARTS[raw[0]!.value.toUpperCase()] : undefined;
      const partSql = word ? sqlString(word) : a()[0]!;
      return `date_trunc(${partSql}, ${x})`;
    }
    case 'TO_DATE':
    case 'DATE':
    case 'TRY_TO_DATE': {
      const [x, fmt] = a();
      const cast = up === 'TRY_TO_DATE' ? 'TRY_CAST' : 'CAST';
      if (fmt) return `${cast}(strptime(${x}, ${snowflakeFormat(fmt)}) AS DATE)`;
      return `${cast}(${x} AS DATE)`;
    }
    case 'TO_TIMESTAMP':
    case 'TO_TIMESTAMP_NTZ':
    case 'TO_TIMESTAMP_LTZ':
    case 'TO_TIMESTAMP_TZ':
    case 'TRY_TO_TIMESTAMP':
    case 'TRY_TO_TIMESTAMP_NTZ':
    case 'TRY_TO_TIMESTAMP_LTZ':
    case 'TRY_TO_TIMESTAMP_TZ': {
      const target = /_(LTZ|TZ)$/.test(up) ? 'TIMESTAMPTZ' : 'TIMESTAMP_NS';
      const cast = up.startsWith('TRY_') ? 'TRY_CAST' : 'CAST';
      const raw = call.rawArg(0);
      const [x, fmt] = a();
      if (raw.length === 1 && raw[0]!.kind === 'number') return `${cast}(to_timestamp(${x}) AS ${target})`;
      if (fmt && /^'/.test(fmt)) return `${cast}(strptime(${x}, ${snowflakeFormat(fmt)}) AS ${target})`;
      if (fmt) return `${cast}(to_timestamp(CAST(${x} AS DOUBLE) / pow(10, ${fmt})) AS ${target})`;
      return `${cast}(${x} AS ${target})`;
    }
    case 'TO_NUMBER':
    case 'TO_DECIMAL':
    case 'TO_NUMERIC':
    case 'TRY_TO_NUMBER':
    case 'TRY_TO_DECIMAL':
    case 'TRY_TO_NUMERIC': {
      const args = a();
      const nums = args.slice(1).filter((x) => /^\d+$/.test(x));
      const cast = up.startsWith('TRY_') ? 'TRY_CAST' : 'CAST';
      return `${cast}(${args[0]} AS DECIMAL(${nums[0] ?? '38'},${nums[1] ?? '0'}))`;
    }
    case 'TO_DOUBLE':
      return `CAST(${a()[0]} AS DOUBLE)`;
    case 'TO_BOOLEAN':
      return `CAST(${a()[0]} AS BOOLEAN)`;
    case 'TO_CHAR':
    case 'TO_VARCHAR': {
      const [x, fmt] = a();
      if (fmt) return `strftime(${x}, ${snowflakeFormat(fmt)})`;
      return `CAST(${x} AS VARCHAR)`;
    }
    case 'REGEXP_SUBSTR': {
      const [s, p, pos, occ, params, group] = a();
      if (occ && occ !== '1') throw syntaxError('REGEXP_SUBSTR with an occurrence other than 1 is not supported by the local Snowflake endpoint');
      const subject = pos && pos !== '1' ? `substr(${s}, ${pos})` : s;
      const wantsGroup = group !== undefined || (params !== undefined && /e/.test(params));
      const g = group ?? (wantsGroup ? '1' : '0');
      const flags = params ? params.replace(/[e']/g, '') : '';
      const flagSql = flags ? `, ${sqlString(flags)}` : '';
      // Snowflake answers NULL when nothing matches; DuckDB answers ''.
      return `NULLIF(regexp_extract(${subject}, ${p}, ${g}${flagSql}), '')`;
    }
    case 'REGEXP_LIKE':
    case 'RLIKE': {
      const [s, p] = a();
      return `regexp_full_match(${s}, ${p})`;
    }
    case 'LEN':
      return `length(${a()[0]})`;
    case 'LISTAGG': {
      const args = a();
      return `string_agg(${args[0]}, ${args[1] ?? "''"}${call.within})`;
    }
    case 'ARRAY_AGG':
      return call.within ? `array_agg(${a().join(', ')}${call.within})` : undefined;
    case 'DECODE': {
      const [x, ...rest] = a();
      let sql = '(CASE';
      for (let k = 0; k + 1 < rest.length; k += 2) sql += ` WHEN (${x}) IS NOT DISTINCT FROM (${rest[k]}) THEN ${rest[k + 1]}`;
      if (rest.length % 2 === 1) sql += ` ELSE ${rest[rest.length - 1]}`;
      return `${sql} END)`;
    }
    case 'SHA2':
    case 'SHA2_HEX': {
      const [x, bits] = a();
      if (bits && bits !== '256') throw syntaxError(`SHA2 with ${bits} bits is not supported by the local Snowflake endpoint`);
      return `sha256(${x})`;
    }
    case 'SHA1':
    case 'SHA1_HEX':
      return `sha1(${a()[0]})`;
    case 'MD5_HEX':
      return `md5(${a()[0]})`;
    // ISO day of week (Monday = 1) and ISO week: DuckDB's names for them.
    case 'DAYOFWEEKISO':
      return `isodow(${a()[0]})`;
    case 'WEEKISO':
      return `weekofyear(${a()[0]})`;
    case 'BOOLAND_AGG':
      return `bool_and(${a()[0]})`;
    case 'BOOLOR_AGG':
      return `bool_or(${a()[0]})`;
    case 'STARTSWITH':
      return `starts_with(${a().join(', ')})`;
    case 'ENDSWITH':
      return `ends_with(${a().join(', ')})`;
    case 'CHARINDEX': {
      const [x, y] = a();
      return `instr(${y}, ${x})`;
    }
    case 'UUID_STRING':
      return 'CAST(uuid() AS VARCHAR)';
    case 'HEX_ENCODE':
      return `hex(${a()[0]})`;
    case 'BASE64_ENCODE':
      return `to_base64(CAST(${a()[0]} AS BLOB))`;
    case 'FLATTEN':
      throw syntaxError('FLATTEN is not supported by the local Snowflake endpoint');
    default:
      return undefined;
  }
}

/** Snowflake date format (YYYY-MM-DD HH24:MI:SS.FF) → strftime pattern, for the common elements. */
function snowflakeFormat(literal: string): string {
  const m = literal.match(/^'(.*)'$/s);
  if (!m) return literal;
  const f = m[1]!
    .replace(/YYYY/g, '%Y')
    .replace(/YY/g, '%y')
    .replace(/MM/g, '%m')
    .replace(/MON/g, '%b')
    .replace(/DD/g, '%d')
    .replace(/HH24/g, '%H')
    .replace(/HH12/g, '%I')
    .replace(/MI/g, '%M')
    .replace(/SS/g, '%S')
    .replace(/FF\d?/g, '%f')
    .replace(/TZH:TZM/g, '%z');
  return sqlString(f);
}

/**
 * Snowflake's conversion of loaded text to a column type, done exactly in JS so COPY can report
 * each bad value the way Snowflake does (code, message, column) and ON_ERROR can act per row.
 * Decimals never pass through a JS number: they are shifted and rounded as digit strings.
 */

export type BaseType =
  | 'NUMBER'
  | 'FLOAT'
  | 'TEXT'
  | 'BOOLEAN'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP_NTZ'
  | 'TIMESTAMP_LTZ'
  | 'TIMESTAMP_TZ'
  | 'VARIANT'
  | 'OBJECT'
  | 'ARRAY'
  | 'BINARY';

export interface ColumnType {
  readonly base: BaseType;
  readonly precision: number;
  readonly scale: number;
  /** Characters for TEXT, bytes for BINARY. */
  readonly length: number;
  /** The type as Snowflake prints it, e.g. `NUMBER(10,2)`. */
  readonly text: string;
}

/** A value flowing through a COPY transformation: SQL NULL, text, or a VARIANT (JSON text). */
export type LoadValue = null | { readonly t: 'text'; readonly v: string } | { readonly t: 'json'; readonly v: string };

/** A value that cannot be converted; `code` is Snowflake's error code for it. */
export class CastError extends Error {
  override readonly name = 'CastError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const TYPE_ALIASES: Record<string, BaseType> = {
  NUMBER: 'NUMBER', DECIMAL: 'NUMBER', NUMERIC: 'NUMBER', INT: 'NUMBER', INTEGER: 'NUMBER', BIGINT: 'NUMBER', SMALLINT: 'NUMBER',
  TINYINT: 'NUMBER', BYTEINT: 'NUMBER',
  FLOAT: 'FLOAT', FLOAT4: 'FLOAT', FLOAT8: 'FLOAT', DOUBLE: 'FLOAT', 'DOUBLE PRECISION': 'FLOAT', REAL: 'FLOAT',
  VARCHAR: 'TEXT', CHAR: 'TEXT', CHARACTER: 'TEXT', STRING: 'TEXT', TEXT: 'TEXT', NVARCHAR: 'TEXT', NCHAR: 'TEXT', 'CHAR VARYING': 'TEXT',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMP_NTZ', DATETIME: 'TIMESTAMP_NTZ', TIMESTAMP_NTZ: 'TIMESTAMP_NTZ', TIMESTAMPNTZ: 'TIMESTAMP_NTZ',
  'TIMESTAMP WITHOUT TIME ZONE': 'TIMESTAMP_NTZ',
  TIMESTAMP_LTZ: 'TIMESTAMP_LTZ', TIMESTAMPLTZ: 'TIMESTAMP_LTZ', 'TIMESTAMP WITH LOCAL TIME ZONE': 'TIMESTAMP_LTZ',
  TIMESTAMP_TZ: 'TIMESTAMP_TZ', TIMESTAMPTZ: 'TIMESTAMP_TZ', 'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP_TZ',
  VARIANT: 'VARIANT', OBJECT: 'OBJECT', ARRAY: 'ARRAY',
  BINARY: 'BINARY', VARBINARY: 'BINARY',
};

/** Parses a Snowflake type name (`NUMBER(10,2)`, `VARCHAR`, `TIMESTAMP_NTZ(9)`, `INT`...). */
export function parseColumnType(text: string): ColumnType | undefined {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(text);
  if (m === null) return undefined;
  const name = (m[1] as string).toUpperCase().replace(/\s+/g, ' ');
  const base = TYPE_ALIASES[name];
  if (base === undefined) return undefined;
  const a = m[2] === undefined ? undefined : Number(m[2]);
  const b = m[3] === undefined ? undefined : Number(m[3]);
  switch (base) {
    case 'NUMBER': {
      const integerOnly = name !== 'NUMBER' && name !== 'DECIMAL' && name !== 'NUMERIC';
      const precision = a ?? 38;
      const scale = integerOnly ? 0 : (b ?? 0);
      return { base, precision, scale, length: 0, text: `NUMBER(${precision},${scale})` };
    }
    case 'TEXT': {
      const length = a ?? (name === 'CHAR' || name === 'CHARACTER' || name === 'NCHAR' ? 1 : 16777216);
      return { base, precision: 0, scale: 0, length, text: `VARCHAR(${length})` };
    }
    case 'BINARY': {
      const length = a ?? 8388608;
      return { base, precision: 0, scale: 0, length, text: `BINARY(${length})` };
    }
    case 'TIME':
    case 'TIMESTAMP_NTZ':
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_TZ': {
      const scale = a ?? 9;
      return { base, precision: 0, scale, length: 0, text: `${base}(${scale})` };
    }
    default:
      return { base, precision: 0, scale: 0, length: 0, text: base };
  }
}

/** The scalar text of a value (a VARIANT string loses its quotes; other JSON stays JSON). */
export function scalarText(v: LoadValue): string | null {
  if (v === null) return null;
  if (v.t === 'text') return v.v;
  if (v.v === 'null') return null;
  if (v.v.startsWith('"')) return JSON.parse(v.v) as string;
  return v.v;
}

/**
 * Converts `v` to `type`, returning the canonical text of the result (what is inserted) or, for
 * VARIANT/OBJECT/ARRAY, JSON text. Throws CastError with Snowflake's message and code.
 */
export function castValue(v: LoadValue, type: ColumnType, binaryFormat: 'HEX' | 'BASE64' | 'UTF8' = 'HEX'): string | null {
  if (v === null) return null;
  if (type.base === 'VARIANT' || type.base === 'OBJECT' || type.base === 'ARRAY') {
    const json = v.t === 'json' ? v.v : JSON.stringify(v.v);
    if (type.base !== 'VARIANT') {
      const first = json.trimStart()[0];
      if ((type.base === 'OBJECT' && first !== '{') || (type.base === 'ARRAY' && first !== '[')) {
        throw new CastError(`Failed to cast variant value ${json.slice(0, 100)} to ${type.base}`, '100071');
      }
    }
    return json;
  }
  const text = scalarText(v);
  if (text === null) return null;
  switch (type.base) {
    case 'NUMBER':
      return castDecimal(text, type.precision, type.scale);
    case 'FLOAT':
      return castFloat(text);
    case 'TEXT':
      if ([...text].length > type.length) {
        throw new CastError(`User character length limit (${type.length}) exceeded by string '${text.slice(0, 100)}'`, '100074');
      }
      return text;
    case 'BOOLEAN':
      return castBoolean(text);
    case 'DATE':
      return castDate(text);
    case 'TIME':
      return castTime(text);
    case 'TIMESTAMP_NTZ':
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_TZ':
      return castTimestamp(text, type.base);
    case 'BINARY':
      return castBinary(text, binaryFormat, type.length);
  }
}

const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Text to NUMBER(p,s): exact digit-string arithmetic, rounding half away from zero as Snowflake does. */
export function castDecimal(input: string, precision: number, scale: number): string {
  const text = input.trim();
  const m = DECIMAL_RE.exec(text);
  if (m === null || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) throw new CastError(`Numeric value '${input}' is not recognized`, '100038');
  const negative = m[1] === '-';
  let intPart = m[2] ?? '';
  let frac = m[3] ?? '';
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (Math.abs(exp) > 1000) throw new CastError(`Numeric value '${input}' is out of range`, '100039');
  if (exp > 0) {
    const moved = frac.padEnd(exp, '0');
    intPart += moved.slice(0, exp);
    frac = moved.slice(exp);
  } else if (exp < 0) {
    const padded = intPart.padStart(-exp, '0');
    frac = padded.slice(padded.length + exp) + frac;
    intPart = padded.slice(0, padded.length + exp);
  }
  let digits = (intPart + frac.padEnd(scale, '0').slice(0, scale)).replace(/^0+/, '') || '0';
  const roundUp = (frac[scale] ?? '0') >= '5';
  if (roundUp) digits = addOne(digits);
  const intDigits = digits.length > scale ? digits.length - scale : 0;
  if (intDigits > precision - scale) throw new CastError(`Numeric value '${input}' is out of range`, '100039');
  const padded = digits.padStart(scale + 1, '0');
  const whole = padded.slice(0, padded.length - scale);
  const fraction = padded.slice(padded.length - scale);
  const body = scale > 0 ? `${whole}.${fraction}` : whole;
  const isZero = /^[0.]*$/.test(body);
  return negative && !isZero ? `-${body}` : body;
}

function addOne(digits: string): string {
  const out = digits.split('');
  for (let k = out.length - 1; k >= 0; k -= 1) {
    if (out[k] === '9') out[k] = '0';
    else {
      out[k] = String(Number(out[k]) + 1);
      return out.join('');
    }
  }
  return `1${out.join('')}`;
}

function castFloat(input: string): string {
  const text = input.trim();
  const lower = text.toLowerCase();
  if (lower === 'nan') return 'NaN';
  if (lower === 'inf' || lower === 'infinity' || lower === '+inf' || lower === '+infinity') return 'Infinity';
  if (lower === '-inf' || lower === '-infinity') return '-Infinity';
  const m = DECIMAL_RE.exec(text);
  if (m === null || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) throw new CastError(`Numeric value '${input}' is not recognized`, '100038');
  return text;
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off', '0']);

function castBoolean(input: string): string {
  const lower = input.trim().toLowerCase();
  if (TRUE_WORDS.has(lower)) return 'TRUE';
  if (FALSE_WORDS.has(lower)) return 'FALSE';
  throw new CastError(`Boolean value '${input}' is not recognized`, '100037');
}

const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{0,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{0,9}))?)?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function castDate(input: string): string {
  const text = input.trim();
  const m = DATE_RE.exec(text) ?? TIMESTAMP_RE.exec(text);
  if (m === null) throw new CastError(`Date '${input}' is not recognized`, '100040');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) throw new CastError(`Date '${input}' is not recognized`, '100040');
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
}

function castTime(input: string): string {
  const text = input.trim();
  const m = TIME_RE.exec(text);
  if (m === null) throw new CastError(`Time '${input}' is not recognized`, '100108');
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  if (h > 23 || mi > 59 || s > 59) throw new CastError(`Time '${input}' is not recognized`, '100108');
  return `${pad(h)}:${pad(mi)}:${pad(s)}.${(m[4] ?? '').padEnd(9, '0')}`;
}

/**
 * TIMESTAMP_NTZ keeps the wall-clock text and drops any offset (as Snowflake does); TZ keeps the
 * written offset (UTC when none: the endpoint's session zone); LTZ is normalised to UTC.
 */
function castTimestamp(input: string, base: 'TIMESTAMP_NTZ' | 'TIMESTAMP_LTZ' | 'TIMESTAMP_TZ'): string {
  const text = input.trim();
  const m = TIMESTAMP_RE.exec(text);
  const bad = (): never => {
    throw new CastError(`Timestamp '${input}' is not recognized`, '100035');
  };
  if (m === null) return bad();
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, s] = [Number(m[4] ?? '0'), Number(m[5] ?? '0'), Number(m[6] ?? '0')];
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return bad();
  const frac = (m[7] ?? '').padEnd(9, '0');
  const wall = `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}.${frac}`;
  if (base === 'TIMESTAMP_NTZ') return wall;
  const zone = m[8];
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    if (z === null) return bad();
    offsetMinutes = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? '0'));
  }
  if (base === 'TIMESTAMP_TZ') return `${wall} ${formatOffset(offsetMinutes)}`;
  const utc = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000);
  const iso = utc.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${frac} +00:00`;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

function castBinary(input: string, format: 'HEX' | 'BASE64' | 'UTF8', maxBytes: number): string {
  let hex: string;
  if (format === 'HEX') {
    const t = input.trim();
    if (!/^[0-9a-fA-F]*$/.test(t) || t.length % 2 !== 0) throw new CastError(`The following string is not a legal hex-encoded value: '${input}'`, '100115');
    hex = t.toUpperCase();
  } else if (format === 'BASE64') {
    const t = input.trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) throw new CastError(`The following string is not a legal base64-encoded value: '${input}'`, '100116');
    hex = Buffer.from(t, 'base64').toString('hex').toUpperCase();
  } else {
    hex = Buffer.from(input, 'utf8').toString('hex').toUpperCase();
  }
  if (hex.length / 2 > maxBytes) throw new CastError(`Binary value length limit (${maxBytes}) exceeded`, '100145');
  return hex;
}

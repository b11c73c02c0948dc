/**
 * File format options (CREATE FILE FORMAT, a stage's FILE_FORMAT, COPY's FILE_FORMAT) resolved to
 * Snowflake's defaults, and rendered back the way SHOW/DESC FILE FORMAT print them.
 */
import { compilationError, notEmulated } from './snowflake-error.js';
import { optionText, type OptionMap, type OptionValue } from './sql-tokens.js';

export type Compression = 'AUTO' | 'GZIP' | 'NONE';

export interface CsvFormat {
  readonly type: 'CSV';
  readonly fieldDelimiter: string | null;
  readonly recordDelimiter: string | null;
  readonly skipHeader: number;
  readonly parseHeader: boolean;
  readonly fieldOptionallyEnclosedBy: string | null;
  readonly nullIf: readonly string[];
  readonly emptyFieldAsNull: boolean;
  readonly escape: string | null;
  readonly escapeUnenclosedField: string | null;
  readonly compression: Compression;
  readonly errorOnColumnCountMismatch: boolean;
  readonly trimSpace: boolean;
  readonly encoding: string;
  readonly binaryFormat: 'HEX' | 'BASE64' | 'UTF8';
  readonly dateFormat: string;
  readonly timestampFormat: string;
  readonly skipBlankLines: boolean;
  /** Invalid UTF-8 becomes U+FFFD instead of a row error. */
  readonly replaceInvalidCharacters: boolean;
}

export interface ParquetFormat {
  readonly type: 'PARQUET';
  readonly compression: Compression;
  readonly useLogicalType: boolean;
  readonly binaryAsText: boolean;
  readonly nullIf: readonly string[];
  readonly trimSpace: boolean;
}

export type FileFormat = CsvFormat | ParquetFormat;

export const DEFAULT_CSV: CsvFormat = {
  type: 'CSV',
  fieldDelimiter: ',',
  recordDelimiter: '\n',
  skipHeader: 0,
  parseHeader: false,
  fieldOptionallyEnclosedBy: null,
  nullIf: ['\\N'],
  emptyFieldAsNull: true,
  escape: null,
  escapeUnenclosedField: '\\',
  compression: 'AUTO',
  errorOnColumnCountMismatch: true,
  trimSpace: false,
  encoding: 'UTF8',
  binaryFormat: 'HEX',
  dateFormat: 'AUTO',
  timestampFormat: 'AUTO',
  skipBlankLines: false,
  replaceInvalidCharacters: false,
};

export const DEFAULT_PARQUET: ParquetFormat = {
  type: 'PARQUET',
  compression: 'AUTO',
  useLogicalType: false,
  binaryAsText: true,
  nullIf: [],
  trimSpace: false,
};

/** TextDecoder labels for the ENCODING values the local endpoint can decode. */
export const ENCODINGS: Record<string, string> = {
  UTF8: 'utf-8',
  'UTF-8': 'utf-8',
  'ISO-8859-1': 'latin1',
  ISO88591: 'latin1',
  LATIN1: 'latin1',
  WINDOWS1252: 'windows-1252',
  'WINDOWS-1252': 'windows-1252',
  UTF16: 'utf-16le',
  UTF16LE: 'utf-16le',
};

/**
 * Applies written options on top of `base` (Snowflake's defaults for the TYPE, or a named
 * format's resolved options when COPY overrides a few of them).
 */
export function resolveFormat(options: OptionMap, base?: FileFormat): FileFormat {
  const typeText = optionText(options.get('TYPE'))?.toUpperCase();
  const type = typeText ?? base?.type ?? 'CSV';
  if (type !== 'CSV' && type !== 'PARQUET') throw notEmulated(`File format TYPE = ${type}`);
  const start: FileFormat = base !== undefined && base.type === type ? base : type === 'CSV' ? DEFAULT_CSV : DEFAULT_PARQUET;
  if (start.type === 'CSV') return applyCsv(start, options);
  return applyParquet(start, options);
}

function applyCsv(base: CsvFormat, options: OptionMap): CsvFormat {
  const f: { -readonly [K in keyof CsvFormat]: CsvFormat[K] } = { ...base };
  for (const [key, value] of options) {
    switch (key) {
      case 'TYPE':
      case 'FORMAT_NAME':
        break;
      case 'FIELD_DELIMITER':
        f.fieldDelimiter = noneOrChars(key, value);
        break;
      case 'RECORD_DELIMITER':
        f.recordDelimiter = noneOrChars(key, value);
        break;
      case 'SKIP_HEADER':
        f.skipHeader = integer(key, value);
        break;
      case 'PARSE_HEADER':
        f.parseHeader = bool(key, value);
        break;
      case 'FIELD_OPTIONALLY_ENCLOSED_BY':
        f.fieldOptionallyEnclosedBy = noneOrChars(key, value);
        break;
      case 'NULL_IF':
        f.nullIf = stringList(key, value);
        break;
      case 'EMPTY_FIELD_AS_NULL':
        f.emptyFieldAsNull = bool(key, value);
        break;
      case 'ESCAPE':
        f.escape = noneOrChars(key, value);
        break;
      case 'ESCAPE_UNENCLOSED_FIELD':
        f.escapeUnenclosedField = noneOrChars(key, value);
        break;
      case 'COMPRESSION':
        f.compression = compression(value);
        break;
      case 'ERROR_ON_COLUMN_COUNT_MISMATCH':
        f.errorOnColumnCountMismatch = bool(key, value);
        break;
      case 'TRIM_SPACE':
        f.trimSpace = bool(key, value);
        break;
      case 'SKIP_BLANK_LINES':
        f.skipBlankLines = bool(key, value);
        break;
      case 'ENCODING': {
        const e = (optionText(value) ?? '').toUpperCase();
        if (ENCODINGS[e] === undefined) throw notEmulated(`ENCODING = '${e}'`);
        f.encoding = e;
        break;
      }
      case 'BINARY_FORMAT': {
        const b = (optionText(value) ?? '').toUpperCase();
        if (b !== 'HEX' && b !== 'BASE64' && b !== 'UTF8' && b !== 'UTF-8') throw invalidValue(key, value);
        f.binaryFormat = b === 'UTF-8' ? 'UTF8' : b;
        break;
      }
      case 'DATE_FORMAT':
      case 'TIMESTAMP_FORMAT': {
        const v = (optionText(value) ?? '').toUpperCase();
        // Only AUTO detection is emulated; an explicit format would be silently misread otherwise.
        if (v !== 'AUTO') throw notEmulated(`${key} = '${v}' (only AUTO)`);
        break;
      }
      case 'REPLACE_INVALID_CHARACTERS':
        f.replaceInvalidCharacters = bool(key, value);
        break;
      case 'TIME_FORMAT':
      case 'VALIDATE_UTF8':
      case 'SKIP_BYTE_ORDER_MARK':
      case 'FILE_EXTENSION':
      case 'MULTI_LINE':
      case 'COMMENT':
        break;
      default:
        throw compilationError(`invalid value [${key}] for parameter 'FILE_FORMAT'`, '001008', '22023');
    }
  }
  if (f.parseHeader && f.skipHeader > 0) {
    throw compilationError('Option SKIP_HEADER is not allowed together with PARSE_HEADER.', '002001', '42601');
  }
  return f;
}

function applyParquet(base: ParquetFormat, options: OptionMap): ParquetFormat {
  const f: { -readonly [K in keyof ParquetFormat]: ParquetFormat[K] } = { ...base };
  for (const [key, value] of options) {
    switch (key) {
      case 'TYPE':
      case 'FORMAT_NAME':
      case 'COMMENT':
      case 'SNAPPY_COMPRESSION':
      case 'REPLACE_INVALID_CHARACTERS':
      case 'USE_VECTORIZED_SCANNER':
        break;
      case 'COMPRESSION':
        f.compression = compression(value);
        break;
      case 'USE_LOGICAL_TYPE':
        f.useLogicalType = bool(key, value);
        break;
      case 'BINARY_AS_TEXT':
        f.binaryAsText = bool(key, value);
        break;
      case 'NULL_IF':
        f.nullIf = stringList(key, value);
        break;
      case 'TRIM_SPACE':
        f.trimSpace = bool(key, value);
        break;
      default:
        throw compilationError(`invalid value [${key}] for parameter 'FILE_FORMAT'`, '001008', '22023');
    }
  }
  return f;
}

function invalidValue(key: string, value: OptionValue): never {
  const shown = optionText(value) ?? '(...)';
  throw compilationError(`invalid value [${shown}] for parameter '${key}'`, '001008', '22023');
}

function noneOrChars(key: string, value: OptionValue): string | null {
  if (value.kind === 'word' && value.value === 'NONE') return null;
  if (value.kind === 'string') return value.value === '' || value.value.toUpperCase() === 'NONE' ? null : value.value;
  return invalidValue(key, value);
}

function integer(key: string, value: OptionValue): number {
  const n = Number(optionText(value));
  if (!Number.isInteger(n) || n < 0) return invalidValue(key, value);
  return n;
}

function bool(key: string, value: OptionValue): boolean {
  const t = (optionText(value) ?? '').toUpperCase();
  if (t === 'TRUE') return true;
  if (t === 'FALSE') return false;
  return invalidValue(key, value);
}

function stringList(key: string, value: OptionValue): string[] {
  if (value.kind === 'string') return [value.value];
  if (value.kind === 'list') return value.items.map((i) => (i.kind === 'string' ? i.value : invalidValue(key, i)));
  return invalidValue(key, value);
}

function compression(value: OptionValue): Compression {
  const c = (optionText(value) ?? '').toUpperCase();
  if (c === 'AUTO' || c === 'GZIP' || c === 'NONE') return c;
  throw notEmulated(`COMPRESSION = ${c}`);
}

export interface FormatProperty {
  readonly property: string;
  readonly type: string;
  readonly value: string;
  readonly defaultValue: string;
}

/** The rows DESC FILE FORMAT (and a stage's STAGE_FILE_FORMAT section) prints. */
export function formatProperties(f: FileFormat): FormatProperty[] {
  const s = (v: string | null): string => (v === null ? 'NONE' : v.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t'));
  const list = (v: readonly string[]): string => `[${v.join(', ')}]`;
  if (f.type === 'PARQUET') {
    const d = DEFAULT_PARQUET;
    return [
      { property: 'TYPE', type: 'String', value: 'PARQUET', defaultValue: 'CSV' },
      { property: 'TRIM_SPACE', type: 'Boolean', value: String(f.trimSpace), defaultValue: String(d.trimSpace) },
      { property: 'NULL_IF', type: 'List', value: list(f.nullIf), defaultValue: list(d.nullIf) },
      { property: 'COMPRESSION', type: 'String', value: f.compression, defaultValue: d.compression },
      { property: 'BINARY_AS_TEXT', type: 'Boolean', value: String(f.binaryAsText), defaultValue: String(d.binaryAsText) },
      { property: 'USE_LOGICAL_TYPE', type: 'Boolean', value: String(f.useLogicalType), defaultValue: String(d.useLogicalType) },
    ];
  }
  const d = DEFAULT_CSV;
  const row = (property: string, type: string, value: string, defaultValue: string): FormatProperty => ({ property, type, value, defaultValue });
  return [
    row('TYPE', 'String', 'CSV', 'CSV'),
    row('RECORD_DELIMITER', 'String', s(f.recordDelimiter), s(d.recordDelimiter)),
    row('FIELD_DELIMITER', 'String', s(f.fieldDelimiter), s(d.fieldDelimiter)),
    row('FILE_EXTENSION', 'String', '', ''),
    row('SKIP_HEADER', 'Integer', String(f.skipHeader), String(d.skipHeader)),
    row('PARSE_HEADER', 'Boolean', String(f.parseHeader), String(d.parseHeader)),
    row('DATE_FORMAT', 'String', f.dateFormat, d.dateFormat),
    row('TIMESTAMP_FORMAT', 'String', f.timestampFormat, d.timestampFormat),
    row('BINARY_FORMAT', 'String', f.binaryFormat, d.binaryFormat),
    row('ESCAPE', 'String', s(f.escape), s(d.escape)),
    row('ESCAPE_UNENCLOSED_FIELD', 'String', s(f.escapeUnenclosedField), s(d.escapeUnenclosedField)),
    row('TRIM_SPACE', 'Boolean', String(f.trimSpace), String(d.trimSpace)),
    row('FIELD_OPTIONALLY_ENCLOSED_BY', 'String', s(f.fieldOptionallyEnclosedBy), s(d.fieldOptionallyEnclosedBy)),
    row('NULL_IF', 'List', list(f.nullIf), list(d.nullIf)),
    row('COMPRESSION', 'String', f.compression, d.compression),
    row('ERROR_ON_COLUMN_COUNT_MISMATCH', 'Boolean', String(f.errorOnColumnCountMismatch), String(d.errorOnColumnCountMismatch)),
    row('EMPTY_FIELD_AS_NULL', 'Boolean', String(f.emptyFieldAsNull), String(d.emptyFieldAsNull)),
    row('SKIP_BLANK_LINES', 'Boolean', String(f.skipBlankLines), String(d.skipBlankLines)),
    row('ENCODING', 'String', f.encoding, d.encoding),
  ];
}

/** SHOW FILE FORMATS' `format_options` column: the resolved options as JSON. */
export function formatOptionsJson(f: FileFormat): string {
  const o: Record<string, unknown> = {};
  for (const p of formatProperties(f)) o[p.property] = p.type === 'Boolean' ? p.value === 'true' : p.type === 'Integer' ? Number(p.value) : p.value;
  return JSON.stringify(o);
}

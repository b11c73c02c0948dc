import { bool, kw, num, opt, str, strs, type CreateNode, type SqlOption } from '../sql/nodes.js';
import type { ResolvedSetup } from './setup-config.js';

/**
 * CSV exactly as core's CSV serializer writes it (PostgreSQL `COPY ... (FORMAT csv)` conventions,
 * UTF-8, `\n`, header row, gzip): an unquoted empty field is NULL, `""` is an empty string, and no
 * text (not `NA`, not `\N`) means NULL. EMPTY_FIELD_AS_NULL is defined for empty fields, i.e. two
 * delimiters in a row (CREATE FILE FORMAT); with an enclosure character and NULL_IF = () nothing else
 * becomes NULL, the pairing "Data unloading considerations" gives for telling empty strings from
 * NULLs. That `""` then loads as '' is not stated as a rule; the nearest the documentation comes is
 * the load error quoted in COPY INTO <table> ("Validating staged files"), which tells the user to
 * quote an empty field to get an empty string instead of a NULL. Not yet observed on a real account.
 * Options: docs.snowflake.com/en/sql-reference/sql/create-file-format (formatTypeOptions, TYPE = CSV).
 */
export function csvFormatOptions(): SqlOption[] {
  return [
    opt('TYPE', kw('CSV')),
    opt('COMPRESSION', kw('GZIP')),
    opt('RECORD_DELIMITER', { kind: 'controlChar', value: 'LF' }),
    opt('FIELD_DELIMITER', str(',')),
    opt('SKIP_HEADER', num(1)),
    opt('SKIP_BLANK_LINES', bool(false)),
    // RFC 4180 quoting: a field holding a comma, quote or newline is quoted, `"` doubled inside.
    opt('FIELD_OPTIONALLY_ENCLOSED_BY', str('"')),
    opt('ESCAPE', kw('NONE')),
    // The default is backslash, which would eat `\` in unquoted values (PostgreSQL CSV never escapes it).
    opt('ESCAPE_UNENCLOSED_FIELD', kw('NONE')),
    opt('TRIM_SPACE', bool(false)),
    // The default NULL_IF is ('\\N'): a value `\N` would become NULL. Only the empty field is NULL.
    opt('NULL_IF', strs([])),
    opt('EMPTY_FIELD_AS_NULL', bool(true)),
    // Kept explicit (it is the default) for any plain COPY using this format, but note that Snowflake
    // ignores it when a COPY or a query transforms the staged data, as floe's pipe does: it does not
    // protect the pipe (CREATE FILE FORMAT, ERROR_ON_COLUMN_COUNT_MISMATCH note).
    opt('ERROR_ON_COLUMN_COUNT_MISMATCH', bool(true)),
    opt('ENCODING', str('UTF8')),
    opt('REPLACE_INVALID_CHARACTERS', bool(false)),
    opt('BINARY_FORMAT', kw('HEX')),
    // AUTO recognises the ISO forms the extractor writes (`2003-02-24`, `13:45:00.000001`,
    // `2003-02-24 00:00:00.000000`, `...+00:00`: docs.snowflake.com/en/sql-reference/date-time-input-output,
    // "Supported formats for AUTO detection"). One TIMESTAMP_FORMAT serves NTZ and TZ columns, so a
    // fixed format would reject one of the two. AUTO in a file format means "use the account's
    // DATE_INPUT_FORMAT / TIME_INPUT_FORMAT / TIMESTAMP_INPUT_FORMAT" (CREATE FILE FORMAT), whose
    // default is AUTO: an account that changed them must set them back (README), and a transform
    // COPY cannot pass a format argument to TO_TIMESTAMP instead ("Transforming data during a load").
    opt('DATE_FORMAT', kw('AUTO')),
    opt('TIME_FORMAT', kw('AUTO')),
    opt('TIMESTAMP_FORMAT', kw('AUTO')),
  ];
}

/**
 * Parquet as core's Parquet serializers write it: decimals as DECIMAL logical types, text forms
 * for dates and times, snappy (AUTO detects it).
 */
export function parquetFormatOptions(): SqlOption[] {
  return [
    opt('TYPE', kw('PARQUET')),
    opt('COMPRESSION', kw('AUTO')),
    opt('BINARY_AS_TEXT', bool(false)),
    opt('USE_LOGICAL_TYPE', bool(true)),
    opt('TRIM_SPACE', bool(false)),
    // NULL_IF defaults to ('\\N') for Parquet too: a string `\N` must stay a string.
    opt('NULL_IF', strs([])),
    opt('REPLACE_INVALID_CHARACTERS', bool(false)),
  ];
}

export function fileFormatNode(r: ResolvedSetup): CreateNode {
  const options = r.config.format === 'csv' ? csvFormatOptions() : parquetFormatOptions();
  return {
    kind: 'create',
    objectType: 'FILE FORMAT',
    name: r.fileFormat,
    options: [...options, opt('COMMENT', str(`floe: ${r.config.format === 'csv' ? 'gzip CSV' : 'Parquet'} parts as core's serializer writes them`))],
  };
}

import { describe, expect, it } from 'vitest';
import { csvRecords } from '../src/objects/csv-records.js';
import { DEFAULT_CSV, resolveFormat, type CsvFormat } from '../src/objects/file-format-options.js';
import { parseCopyStatement } from '../src/objects/copy-statement.js';
import { tokenize, TokenCursor } from '../src/objects/sql-tokens.js';
import { castDecimal, castValue, CastError, parseColumnType } from '../src/objects/value-casts.js';

const parse = (text: string, options: Partial<CsvFormat> = {}): Array<Array<string | null>> =>
  [...csvRecords(text, { ...DEFAULT_CSV, ...options })].map((r) => r.fields.map((f) => f.value));

describe('CSV records as Snowflake reads them', () => {
  const floe: Partial<CsvFormat> = { fieldOptionallyEnclosedBy: '"', nullIf: [], escapeUnenclosedField: null };

  it('keeps NULL (unquoted empty) apart from "" (empty string), and NA as text', () => {
    expect(parse('a,,"",NA\n', floe)).toEqual([['a', null, '', 'NA']]);
    expect(parse('a,,"",NA\n', { ...floe, emptyFieldAsNull: false })).toEqual([['a', '', '', 'NA']]);
    expect(parse('a,,"",NA\n', { ...floe, nullIf: ['NA'] })).toEqual([['a', null, '', null]]);
  });

  it('reads quoted delimiters, newlines and doubled quotes; CRLF ends a record', () => {
    expect(parse('"x, y","line1\r\nline2","say ""hi"""\r\n2,b,c\r\n', floe)).toEqual([
      ['x, y', 'line1\r\nline2', 'say "hi"'],
      ['2', 'b', 'c'],
    ]);
  });

  it('without FIELD_OPTIONALLY_ENCLOSED_BY quotes are data; the default escape and NULL_IF apply', () => {
    expect(parse('"a,b"\n')).toEqual([['"a', 'b"']]);
    expect(parse('x\\,y,\\N\n')).toEqual([['x,y', null]]);
  });

  it('reports lines and characters of fields, and an enclosure never closed', () => {
    const records = [...csvRecords('h1,h2\n"a\nb",c\nd,"open', { ...DEFAULT_CSV, fieldOptionallyEnclosedBy: '"' })];
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(records[1]?.fields.map((f) => f.character)).toEqual([1, 4]);
    expect(records[2]?.error).toContain('End of file');
  });

  it('a trailing delimiter opens one more empty field; TRIM_SPACE trims around enclosures', () => {
    expect(parse('a,\n', floe)).toEqual([['a', null]]);
    expect(parse(' "a" , b \n', { ...floe, trimSpace: true })).toEqual([['a', 'b']]);
  });
});

describe('casts of loaded text', () => {
  it('NUMBER(p,s) is exact and rounds half away from zero', () => {
    expect(castDecimal('19.99', 10, 2)).toBe('19.99');
    expect(castDecimal('0.1', 10, 2)).toBe('0.10');
    expect(castDecimal('2.345', 10, 2)).toBe('2.35');
    expect(castDecimal('-2.345', 10, 2)).toBe('-2.35');
    expect(castDecimal('1.5E3', 10, 0)).toBe('1500');
    expect(castDecimal('12345678901234567890123456.78', 38, 2)).toBe('12345678901234567890123456.78');
    expect(castDecimal('-0.001', 10, 2)).toBe('0.00');
    expect(() => castDecimal('123456789.00', 10, 2)).toThrow(/out of range/);
    expect(() => castDecimal('1,5', 10, 2)).toThrow(CastError);
  });

  it('dates, timestamps, booleans, binary and VARCHAR limits', () => {
    const t = (s: string) => {
      const type = parseColumnType(s);
      if (type === undefined) throw new Error(`no type ${s}`);
      return type;
    };
    const v = (s: string) => ({ t: 'text' as const, v: s });
    expect(() => castValue(v('2026-02-29'), t('DATE'))).toThrow("Date '2026-02-29' is not recognized");
    expect(castValue(v('2024-02-29'), t('DATE'))).toBe('2024-02-29');
    expect(castValue(v('2026-11-25 10:15:00.123456'), t('TIMESTAMP_NTZ'))).toBe('2026-11-25 10:15:00.123456000');
    expect(castValue(v('2026-11-25 10:15:00.123456+02:00'), t('TIMESTAMP_TZ'))).toBe('2026-11-25 10:15:00.123456000 +02:00');
    expect(castValue(v('2026-11-25 01:15:00+02:00'), t('TIMESTAMP_LTZ'))).toBe('2026-11-24 23:15:00.000000000 +00:00');
    expect(castValue(v('t'), t('BOOLEAN'))).toBe('TRUE');
    expect(() => castValue(v('maybe'), t('BOOLEAN'))).toThrow("Boolean value 'maybe' is not recognized");
    expect(castValue(v('deadBEEF'), t('BINARY'))).toBe('DEADBEEF');
    expect(() => castValue(v('abc'), t('BINARY'))).toThrow(/hex/);
    expect(() => castValue(v('abcd'), t('VARCHAR(3)'))).toThrow('User character length limit (3) exceeded');
    expect(castValue(v('x'), t('VARIANT'))).toBe('"x"');
    expect(castValue({ t: 'json', v: '{"a":1}' }, t('VARIANT'))).toBe('{"a":1}');
    expect(() => castValue({ t: 'json', v: '[1]' }, t('OBJECT'))).toThrow(CastError);
    expect(castValue({ t: 'json', v: '12345678901234567890.12' }, t('NUMBER(22,2)'))).toBe('12345678901234567890.12');
  });
});

describe('statement parsing', () => {
  it('tokenizes Snowflake literals with doubled quotes and backslash escapes', () => {
    expect(tokenize("'it''s' 'a\\\\b' 'x\\ny'").map((t) => t.text)).toEqual(["it's", 'a\\b', 'x\ny']);
  });

  it('parses a pipe COPY with a transformation, pattern and file format', () => {
    const copy = parseCopyStatement(
      `COPY INTO SALES_LANDING ("A", b) FROM (SELECT $1:"amount"::NUMBER(10,2), PARSE_JSON($2), REGEXP_SUBSTR(METADATA$FILENAME, 'run=([^/]+)/', 1, 1, 'e') FROM @db.s.STAGE/sales/ t) FILE_FORMAT = (FORMAT_NAME = 'F') PATTERN = '.*part-[0-9]+[.](csv[.]gz|parquet)' ON_ERROR = CONTINUE`,
    );
    expect(copy.columns).toEqual(['A', 'B']);
    expect(copy.stage).toBe('db.s.STAGE');
    expect(copy.path).toBe('sales/');
    expect(copy.transform?.map((e) => e.k)).toEqual(['cast', 'call', 'call']);
    expect([...copy.options.keys()]).toEqual(['FILE_FORMAT', 'PATTERN', 'ON_ERROR']);
  });

  it('resolves file format options over Snowflake defaults and rejects conflicting ones', () => {
    const f = resolveFormat(new TokenCursor("TYPE = CSV FIELD_DELIMITER = '|' NULL_IF = ('NULL', '') SKIP_HEADER = 1").options());
    expect(f).toMatchObject({ type: 'CSV', fieldDelimiter: '|', nullIf: ['NULL', ''], skipHeader: 1, emptyFieldAsNull: true, compression: 'AUTO' });
    expect(() => resolveFormat(new TokenCursor('TYPE = CSV SKIP_HEADER = 1 PARSE_HEADER = TRUE').options())).toThrow(/SKIP_HEADER/);
    expect(() => resolveFormat(new TokenCursor("TYPE = CSV DATE_FORMAT = 'MM/DD/YYYY'").options())).toThrow(/not supported/);
  });
});

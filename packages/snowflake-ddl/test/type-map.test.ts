import { describe, expect, it } from 'vitest';
import { mapPostgresType, POSTGRES_TYPE_MAP, renderType, SnowflakeDdlError, type SourceColumn } from '../src/index.js';

const col = (baseType: string, pgType: string, extra: Partial<SourceColumn> = {}): SourceColumn => ({ name: 'c', pgType, baseType, isArray: false, nullable: true, ...extra });

describe('mapPostgresType', () => {
  it.each([
    [col('int2', 'smallint'), 'NUMBER(5,0)'],
    [col('int4', 'integer'), 'NUMBER(10,0)'],
    [col('int8', 'bigint'), 'NUMBER(19,0)'],
    [col('numeric', 'numeric(10,2)', { precision: 10, scale: 2 }), 'NUMBER(10,2)'],
    [col('numeric', 'numeric(12,2)', { precision: 12, scale: 2 }), 'NUMBER(12,2)'],
    [col('numeric', 'numeric(38,0)', { precision: 38, scale: 0 }), 'NUMBER(38,0)'],
    [col('numeric', 'numeric(5)', { precision: 5 }), 'NUMBER(5,0)'],
    [col('numeric', 'numeric'), 'VARCHAR'],
    [col('float4', 'real'), 'FLOAT'],
    [col('float8', 'double precision'), 'FLOAT'],
    [col('bool', 'boolean'), 'BOOLEAN'],
    [col('text', 'text'), 'VARCHAR'],
    [col('varchar', 'character varying(40)', { length: 40 }), 'VARCHAR(40)'],
    [col('varchar', 'character varying'), 'VARCHAR'],
    [col('bpchar', 'character(3)', { length: 3 }), 'VARCHAR(3)'],
    [col('uuid', 'uuid'), 'VARCHAR(36)'],
    [col('date', 'date'), 'DATE'],
    [col('time', 'time without time zone'), 'TIME'],
    [col('timetz', 'time with time zone'), 'VARCHAR'],
    [col('timestamp', 'timestamp without time zone'), 'TIMESTAMP_NTZ'],
    [col('timestamptz', 'timestamp with time zone'), 'TIMESTAMP_TZ'],
    [col('interval', 'interval'), 'VARCHAR'],
    [col('json', 'json'), 'VARIANT'],
    [col('jsonb', 'jsonb'), 'VARIANT'],
    [col('bytea', 'bytea'), 'BINARY'],
    [col('int4', 'integer[]', { isArray: true }), 'ARRAY'],
    [col('text', 'text[]', { isArray: true }), 'ARRAY'],
    [col('numeric', 'numeric(10,2)[]', { isArray: true, precision: 10, scale: 2 }), 'ARRAY'],
  ])('%o → %s', (column, expected) => {
    expect(renderType(mapPostgresType(column))).toBe(expected);
  });

  it('gives unconstrained numeric a declared scale only when asked', () => {
    expect(renderType(mapPostgresType(col('numeric', 'numeric'), { unconstrainedNumeric: { scale: 6 } }))).toBe('NUMBER(38,6)');
  });

  it('refuses numerics NUMBER cannot hold exactly, naming the column', () => {
    for (const c of [col('numeric', 'numeric(40,2)', { precision: 40, scale: 2 }), col('numeric', 'numeric(5,-2)', { precision: 5, scale: -2 }), col('numeric', 'numeric(2,5)', { precision: 2, scale: 5 })]) {
      const e = (() => { try { mapPostgresType({ ...c, name: 'amount' }); } catch (x) { return x; } })();
      expect(e).toBeInstanceOf(SnowflakeDdlError);
      expect(e).toMatchObject({ kind: 'unsupported_value', object: 'amount' });
    }
  });

  it('refuses money and unknown types unless told otherwise', () => {
    expect(() => mapPostgresType(col('money', 'money'))).toThrow(/lc_monetary/);
    expect(() => mapPostgresType(col('mood', 'mood'))).toThrow(/does not know/);
    expect(mapPostgresType(col('mood', 'mood'), { unknownTypes: 'varchar' })).toEqual({ name: 'VARCHAR' });
    expect(mapPostgresType({ ...col('mood', 'mood'), name: 'feeling' }, { columnTypes: { feeling: { name: 'VARCHAR', length: 10 } } })).toEqual({ name: 'VARCHAR', length: 10 });
  });

  it('has a documented decision for every entry of the table', () => {
    for (const [pg, rule] of Object.entries(POSTGRES_TYPE_MAP)) expect(rule.note.length, pg).toBeGreaterThan(5);
  });

  it('renders only valid NUMBER shapes', () => {
    expect(() => renderType({ name: 'NUMBER', precision: 39, scale: 0 })).toThrow(SnowflakeDdlError);
    expect(() => renderType({ name: 'VARCHAR', length: 0 })).toThrow(SnowflakeDdlError);
    expect(() => renderType({ name: 'VARCHAR); DROP TABLE x; --' as 'VARCHAR' })).toThrow(SnowflakeDdlError);
    expect(() => renderType({ name: 'FLOAT); DROP' as 'FLOAT' })).toThrow(SnowflakeDdlError);
  });
});

import { describe, expect, it } from 'vitest';
import { ident, literal, planSetup, planTeardown, SnowflakeDdlError, t, type FloeSnowflakeSetup, type SourceColumn } from '../src/index.js';
import { tokenize } from './helpers/sql-tokens.js';

const HOSTILE = [
  'select',
  'a"b',
  'semi;colon',
  'Mixed Case',
  "it's",
  'back\\slash',
  'PWNED"); DROP TABLE t; --',
  "PWNED2'); DROP TABLE t; --",
  'PWNED3\\\'; DROP TABLE t; --',
  'dollar$$quote',
];

const text = (name: string): SourceColumn => ({ name, pgType: 'text', baseType: 'text', isArray: false, nullable: true });
const jsonCol = (name: string): SourceColumn => ({ name, pgType: 'jsonb', baseType: 'jsonb', isArray: false, nullable: true });

function hostileSetup(format: 'csv' | 'parquet'): FloeSnowflakeSetup {
  return {
    database: 'my db"; DROP DATABASE PWNED_DB; --',
    schema: "Sch'ema PWNED",
    warehouse: { name: 'wh"PWNED', create: true },
    loader: { role: 'role"; GRANT ALL PWNED', user: "user' PWNED" },
    s3: { bucket: 'acme-staging', prefix: 'floe' },
    integration: { name: 'int"; DROP INTEGRATION PWNED; --', awsRoleArn: 'arn:aws:iam::123456789012:role/floe' },
    stage: 'stage\\PWNED',
    format,
    schedule: { cron: '0 3 * * *', timeZone: 'Europe/Paris' },
    tables: [{
      source: { schema: "pub'lic", name: 'or"der\'s; DROP TABLE PWNED', columns: [...HOSTILE.map(text), jsonCol('doc"PWNED')], primaryKey: ['select', 'a"b'] },
      path: 'orders',
      derived: [{
        name: 'per"select; PWNED',
        keys: ['select'],
        columns: [{ name: 'select', type: t.varchar() }, { name: "n'PWNED", type: t.number(38, 0) }],
        select: ({ source, ident: q }) => `SELECT x.${q('select')}, COUNT(*) AS ${q("n'PWNED")} FROM ${source} AS x GROUP BY x.${q('select')}`,
      }],
    }],
  };
}

describe.each(['csv', 'parquet'] as const)('hostile names (%s)', (format) => {
  const steps = [...planSetup(hostileSetup(format)).steps, ...planTeardown(hostileSetup(format)).steps];

  it('keeps every name and value inside its quotes', () => {
    for (const s of steps) {
      const tokens = tokenize(s.sql);
      const bare = tokens.filter((x) => x.kind === 'bare').map((x) => x.text).join(' ');
      expect(bare, s.id).not.toMatch(/PWNED/i);
      if (!s.id.startsWith('teardown/')) expect(bare, s.id).not.toMatch(/\bDROP\b/);
      expect(bare, s.id).not.toMatch(/--/);
      // Outside the task body (BEGIN ... END) no statement has a `;` of its own.
      if (s.object.type !== 'TASK' || !s.sql.startsWith('CREATE')) expect(bare, s.id).not.toContain(';');
    }
  });

  it('turns each name into exactly its upper-cased self', () => {
    const idents = new Set(steps.flatMap((s) => tokenize(s.sql).filter((x) => x.kind === 'ident').map((x) => x.value)));
    for (const name of [...HOSTILE, 'doc"PWNED', 'my db"; DROP DATABASE PWNED_DB; --', "Sch'ema PWNED", 'int"; DROP INTEGRATION PWNED; --', 'per"select; PWNED', 'role"; GRANT ALL PWNED', "user' PWNED"]) {
      expect(idents, name).toContain(name.toUpperCase());
    }
    expect(idents).toContain('OR"DER\'S; DROP TABLE PWNED_LANDING');
  });

  it('reads Parquet fields by their exact PostgreSQL name', () => {
    const pipe = steps.find((s) => s.id.endsWith('_PIPE') && s.sql.startsWith('CREATE PIPE'))!;
    if (format === 'parquet') {
      expect(pipe.sql).toContain(`$1:"Mixed Case"::VARCHAR`);
      expect(pipe.sql).toContain(`$1['a"b']::VARCHAR`);
      expect(pipe.sql).toContain(`$1['back\\\\slash']::VARCHAR`);
      expect(pipe.sql).toContain(`PARSE_JSON($1['doc"PWNED']::VARCHAR)`);
    } else {
      expect(pipe.sql).toContain('PARSE_JSON($11)');
    }
  });
});

describe('ident and literal', () => {
  it('quote by the one rule', () => {
    expect(ident('ordernumber')).toBe('"ORDERNUMBER"');
    expect(ident('a"b')).toBe('"A""B"');
    expect(ident('select')).toBe('"SELECT"');
    expect(literal("it's")).toBe("'it''s'");
    expect(literal('a\\b')).toBe("'a\\\\b'");
    expect(literal("\\'; DROP")).toBe("'\\\\''; DROP'");
    expect(tokenize(literal("\\'; DROP"))).toEqual([{ kind: 'string', text: "'\\\\''; DROP'", value: "\\'; DROP" }]);
  });

  it('refuse names that cannot be a safe identifier', () => {
    for (const bad of ['', 'a\nb', 'nul\u0000', 'x'.repeat(256)]) expect(() => ident(bad), JSON.stringify(bad)).toThrow(SnowflakeDdlError);
  });

  it('refuse columns that collide after upper-casing, and load-metadata names', () => {
    const base = hostileSetup('csv');
    const withCols = (names: string[]): FloeSnowflakeSetup => ({ ...base, tables: [{ source: { schema: 'public', name: 'x', columns: names.map(text), primaryKey: [names[0]!] } }] });
    expect(() => planSetup(withCols(['id', 'Amount', 'amount']))).toThrow(/both become "AMOUNT"/);
    expect(() => planSetup(withCols(['id', '_floe_run_id']))).toThrow(/_FLOE_RUN_ID/);
  });
});

import { configError } from '../errors.js';
import { renderType } from '../types/snowflake-type.js';
import { normaliseName, type ObjectName } from './identifiers.js';
import type { ColumnDef, CopyNode, OptionValue, SqlOption, Statement } from './nodes.js';

const KEYWORD = /^[A-Z][A-Z0-9_]*( [A-Z][A-Z0-9_]*)*$/;
// Stage sub-paths go into SQL unquoted (`@stage/sales/`), so they may only hold characters that
// cannot end the path token.
const STAGE_PATH = /^([A-Za-z0-9_.=-]+\/)*$/;

const indent = (text: string, by: string): string => text.split('\n').map((l) => (l.length > 0 ? by + l : l)).join('\n');

/**
 * Turns statement nodes into Snowflake SQL text. Quoting and escaping go through two protected
 * hooks, `quoteIdentifier` and `quoteString`, so a variant (e.g. a dialect that keeps case) is a
 * small subclass. Every keyword that reaches the output is checked against a strict pattern, so a
 * node built from config can carry only names and values, never SQL.
 */
export class SqlCompiler {
  /** A config or PostgreSQL name as a quoted Snowflake identifier (see `ident`). */
  ident(name: string): string {
    return this.quoteIdentifier(normaliseName(name));
  }

  /** A string literal (see `literal`). */
  literal(text: string): string {
    if (text.includes('\u0000')) configError('A string value contains a NUL character.', 'Remove the NUL character from the configured value.');
    return this.quoteString(text);
  }

  /** `"DB"."SCHEMA"."NAME"`. */
  qualified(o: ObjectName): string {
    return [o.database, o.schema, o.name].filter((p): p is string => p !== undefined).map((p) => this.ident(p)).join('.');
  }

  protected quoteIdentifier(normalised: string): string {
    return `"${normalised.replace(/"/g, '""')}"`;
  }

  protected quoteString(text: string): string {
    return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }

  protected keyword(k: string): string {
    if (!KEYWORD.test(k)) configError(`${JSON.stringify(k)} is not a SQL keyword floe emits.`, 'This is a bug in the caller: keywords come from code, names and values go in as names and strings.');
    return k;
  }

  value(v: OptionValue): string {
    switch (v.kind) {
      case 'keyword':
        return this.keyword(v.value);
      case 'string':
        return this.literal(v.value);
      case 'number':
        if (!Number.isSafeInteger(v.value)) configError(`${String(v.value)} is not an integer option value.`, 'Use a whole number.');
        return String(v.value);
      case 'strings':
        return `(${v.values.map((s) => this.literal(s)).join(', ')})`;
      case 'object':
        return this.qualified(v.value);
      case 'options':
        return `(${v.options.map((o) => this.option(o)).join(' ')})`;
      case 'controlChar':
        return { LF: "'\\n'", CR: "'\\r'", TAB: "'\\t'" }[v.value];
    }
  }

  option(o: SqlOption): string {
    return `${this.keyword(o.name)} = ${this.value(o.value)}`;
  }

  private optionLines(options: readonly SqlOption[]): string {
    return options.map((o) => `\n  ${this.option(o)}`).join('');
  }

  private column(c: ColumnDef): string {
    // Clause order as in CREATE TABLE's grammar: type, COMMENT, NOT NULL
    // (docs.snowflake.com/en/sql-reference/sql/create-table).
    const comment = c.comment !== undefined ? ` COMMENT ${this.literal(c.comment)}` : '';
    return `${this.ident(c.name)} ${renderType(c.type)}${comment}${c.nullable ? '' : ' NOT NULL'}`;
  }

  private copy(c: CopyNode): string {
    if (!STAGE_PATH.test(c.path)) configError(`The stage path ${JSON.stringify(c.path)} holds characters floe does not put into a stage reference.`, 'Use letters, digits, _ . = - and / only, ending with /.', c.path);
    if (c.columns.length !== c.select.length) configError('COPY column list and SELECT list differ in length.', 'This is a bug in floe: report it.');
    return [
      `COPY INTO ${this.qualified(c.target)} (`,
      c.columns.map((n) => `    ${this.ident(n)}`).join(',\n'),
      '  )',
      '  FROM (',
      '    SELECT',
      c.select.map((e) => `      ${e}`).join(',\n'),
      `    FROM @${this.qualified(c.stage)}/${c.path}`,
      '  )',
      `  FILE_FORMAT = (FORMAT_NAME = ${this.qualified(c.fileFormat)})`,
      `  PATTERN = ${this.literal(c.pattern)}`,
    ].join('\n');
  }

  /** One statement, without a trailing `;`. */
  compile(s: Statement): string {
    switch (s.kind) {
      case 'create': {
        const on = s.onTable !== undefined ? `\n  ON TABLE ${this.qualified(s.onTable)}` : '';
        return `CREATE ${this.keyword(s.objectType)} IF NOT EXISTS ${this.qualified(s.name)}${on}${this.optionLines(s.options)}`;
      }
      case 'createTable':
        return `CREATE TABLE IF NOT EXISTS ${this.qualified(s.name)} (\n${s.columns.map((c) => `  ${this.column(c)}`).join(',\n')}\n)${this.optionLines(s.options)}`;
      case 'createPipe':
        return `CREATE PIPE IF NOT EXISTS ${this.qualified(s.name)}${this.optionLines(s.options)}\nAS\n${this.copy(s.copy)}`;
      case 'createTask': {
        const when = s.when !== undefined ? `\n  WHEN ${s.when}` : '';
        const body = s.transaction.map((st) => `${indent(st, '  ')};`).join('\n');
        return [
          `CREATE OR REPLACE TASK ${this.qualified(s.name)}${this.optionLines(s.options)}${when}`,
          'AS',
          'BEGIN',
          '  BEGIN TRANSACTION;',
          body,
          '  COMMIT;',
          'EXCEPTION',
          '  WHEN OTHER THEN',
          '    ROLLBACK;',
          '    RAISE;',
          'END',
        ].join('\n');
      }
      case 'merge': {
        const nonKeys = s.columns.filter((c) => !s.keys.includes(c));
        const on = s.keys.map((k) => `t.${this.ident(k)} = s.${this.ident(k)}`).join(' AND ');
        const cond = s.matchedCondition !== undefined ? ` AND ${s.matchedCondition}` : '';
        return [
          `MERGE INTO ${this.qualified(s.target)} AS t`,
          'USING (',
          indent(s.source, '  '),
          ') AS s',
          `ON ${on}`,
          ...(nonKeys.length > 0 ? [`WHEN MATCHED${cond} THEN UPDATE SET`, nonKeys.map((c) => `  ${this.ident(c)} = s.${this.ident(c)}`).join(',\n')] : []),
          'WHEN NOT MATCHED THEN INSERT (',
          s.columns.map((c) => `  ${this.ident(c)}`).join(',\n'),
          ') VALUES (',
          s.columns.map((c) => `  s.${this.ident(c)}`).join(',\n'),
          ')',
        ].join('\n');
      }
      case 'alter': {
        const head = `ALTER ${this.keyword(s.objectType)}${s.ifExists ? ' IF EXISTS' : ''} ${this.qualified(s.name)}`;
        if ('keyword' in s.action) return `${head} ${this.keyword(s.action.keyword)}`;
        return `${head} SET ${s.action.set.map((o) => this.option(o)).join(' ')}`;
      }
      case 'describe':
        return `DESC ${this.keyword(s.objectType)} ${this.qualified(s.name)}`;
      case 'show': {
        const where = s.in !== undefined ? ` IN ${this.keyword(s.in.type)} ${this.qualified(s.in.name)}` : '';
        return `SHOW ${this.keyword(s.objectType)} LIKE ${this.literal(normaliseName(s.like))}${where}`;
      }
      case 'grant': {
        const on = s.on.type === 'ACCOUNT' ? 'ACCOUNT' : `${this.keyword(s.on.type)} ${this.qualified(s.on.name)}`;
        return `GRANT ${s.privileges.map((p) => this.keyword(p)).join(', ')} ON ${on} TO ROLE ${this.ident(s.toRole)}`;
      }
      case 'grantRole':
        return `GRANT ROLE ${this.ident(s.role)} TO USER ${this.ident(s.toUser)}`;
      case 'drop':
        return `DROP ${this.keyword(s.objectType)} IF EXISTS ${this.qualified(s.name)}`;
    }
  }
}

/** The compiler every generator in this package uses. */
export const defaultCompiler = new SqlCompiler();

/** `ident('ordernumber')` → `"ORDERNUMBER"`; `ident('a"b')` → `"A""B"` (the one identifier rule). */
export function ident(name: string): string {
  return defaultCompiler.ident(name);
}

/**
 * A Snowflake string literal: single-quoted, `'` doubled and `\` doubled (Snowflake reads
 * backslash escape sequences inside single-quoted strings:
 * docs.snowflake.com/en/sql-reference/data-types-text, "Escape sequences in single-quoted string constants").
 */
export function literal(text: string): string {
  return defaultCompiler.literal(text);
}

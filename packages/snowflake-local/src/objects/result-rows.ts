/**
 * Builders for the results this layer returns: status messages, SHOW/DESC tables, and the pieces
 * SHOW shares (LIKE patterns, IN scopes, created_on timestamps on the wire).
 */
import type { EngineContext, ResultColumn, StatementKind, StatementResult, WireType } from '../engine/extension.js';
import { nameParts, type TokenCursor } from './sql-tokens.js';

export type Cell = string | null;

export function column(name: string, type: WireType = 'text'): ResultColumn {
  switch (type) {
    case 'fixed':
      return { name, type, precision: 38, scale: 0, nullable: true };
    case 'timestamp_ltz':
      return { name, type, precision: 0, scale: 9, nullable: true };
    case 'text':
      return { name, type, length: 16777216, nullable: true };
    default:
      return { name, type, nullable: true };
  }
}

/** The one-row `status` result Snowflake returns for DDL. */
export function statusResult(message: string, kind: StatementKind = 'ddl'): StatementResult {
  return { kind, columns: [column('status')], rows: [[message]] };
}

export function table(kind: StatementKind, columns: readonly ResultColumn[], rows: ReadonlyArray<readonly Cell[]>): StatementResult {
  return { kind, columns, rows };
}

/** TIMESTAMP_LTZ on the wire: epoch seconds with nine fraction digits. */
export function ltzWire(d: Date): string {
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  const millis = ms - seconds * 1000;
  return `${seconds}.${String(millis).padStart(3, '0')}000000`;
}

/** `LIKE '<pattern>'` of SHOW: case-insensitive, `%` and `_` wildcards. */
export function likeMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  let re = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      re += (pattern[i + 1] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const rx = new RegExp(`^${re}$`, 'is');
  return (name) => rx.test(name);
}

/** Which objects a SHOW lists: `IN ACCOUNT`, `IN DATABASE d`, `IN SCHEMA [d.]s`, default the current database. */
export type ShowScope = (qualified: string) => boolean;

/** Parses `[LIKE '...'] [IN ACCOUNT | DATABASE [d] | SCHEMA [d.]s | [d.]s]` after the SHOW noun. */
export function parseShowTail(c: TokenCursor, ctx: EngineContext): { like: (name: string) => boolean; inScope: ShowScope } {
  let pattern: string | undefined;
  if (c.acceptWords('LIKE')) {
    const t = c.next();
    if (t.kind !== 'string') c.fail('expected a string after LIKE', t);
    pattern = t.text;
  }
  let inScope: ShowScope = (q) => nameParts(q)[0] === ctx.session.database;
  if (c.acceptWords('IN')) {
    if (c.acceptWords('ACCOUNT')) inScope = () => true;
    else if (c.acceptWords('DATABASE')) {
      const db = c.atEnd() ? ctx.session.database : (nameParts(ctx.qualify(`${c.name()}.X.Y`))[0] ?? '');
      inScope = (q) => nameParts(q)[0] === db;
    } else {
      c.acceptWords('SCHEMA');
      const target = c.atEnd() ? [ctx.session.database, ctx.session.schema] : nameParts(ctx.qualify(`${c.name()}.X`)).slice(0, 2);
      inScope = (q) => {
        const p = nameParts(q);
        return p[0] === target[0] && p[1] === target[1];
      };
    }
  }
  return { like: likeMatcher(pattern), inScope };
}

/** Database, schema and name of a qualified name. */
export function splitQualified(qualified: string): [string, string, string] {
  const p = nameParts(qualified);
  return [p[0] ?? '', p[1] ?? '', p[2] ?? ''];
}

/** The `[LIKE '<pattern>'] [IN ACCOUNT | DATABASE [db] | SCHEMA [s]]` tail of SHOW statements. */
import type { EngineContext } from '../engine/extension.js';
import { splitQualified, type TokenCursor } from './sql-text.js';

export interface ShowFilter {
  matches(qualifiedName: string): boolean;
}

/** Parses the tail; without IN the scope is the session's database (the account when none is set). */
export function parseShowFilter(cur: TokenCursor, ctx: EngineContext): ShowFilter {
  let like: RegExp | undefined;
  let database: string | undefined = ctx.session.database || undefined;
  let schema: string | undefined;
  if (cur.acceptWords('LIKE')) like = likeToRegExp(cur.string());
  if (cur.acceptWords('IN')) {
    if (cur.acceptWords('ACCOUNT')) database = undefined;
    else if (cur.acceptWords('DATABASE')) {
      if (!cur.done()) database = splitQualified(ctx.qualify(`${cur.name()}.X.Y`))[0];
    } else {
      cur.acceptWords('SCHEMA');
      const parts = cur.done() ? [ctx.session.database, ctx.session.schema] : splitQualified(ctx.qualify(`${cur.name()}.X`)).slice(0, 2);
      database = parts[0];
      schema = parts[1];
    }
  }
  if (!cur.done()) throw cur.error('unexpected text in SHOW');
  return {
    matches(qualifiedName: string): boolean {
      const [db, sch, name] = splitQualified(qualifiedName);
      if (database !== undefined && db !== database) return false;
      if (schema !== undefined && sch !== schema) return false;
      return like === undefined || like.test(name ?? '');
    },
  };
}

/** SQL LIKE (case-insensitive, as SHOW ... LIKE is) as a regular expression. */
function likeToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}

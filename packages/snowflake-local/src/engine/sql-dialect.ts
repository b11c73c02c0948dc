/**
 * Snowflake SQL → DuckDB SQL, one statement at a time, on tokens (never inside literals):
 * unquoted identifiers upper-cased (Snowflake's case folding), binds renumbered, Snowflake types
 * mapped, Snowflake-only functions rewritten, and each relation read offered to the extensions.
 */
import { tokenize, type Token } from './sql-tokenizer.js';
import { isSnowflakeTypeName, mapType } from './sql-types.js';
import { SqlError, syntaxError } from './sql-error.js';
import { DATE_PARTS, rewriteSnowflakeFunction } from './sql-functions.js';
import { sqlIdent, sqlString } from './sql-quote.js';

export interface DialectContext {
  readonly database: string;
  readonly schema: string;
  readonly role: string;
  readonly user: string;
  readonly warehouse: string;
  readonly account: string;
  readonly sessionId: string;
  /** The engine clock's instant, used for CURRENT_TIMESTAMP and friends. */
  readonly now: Date;
  /** Substitutes a relation read (qualified `DB.SCHEMA.NAME`) with a parenthesised subquery. */
  readonly relation?: (qualifiedName: string) => string | undefined;
  /** Rewrites a function call an extension owns (name upper-case, arguments already translated). */
  readonly rewriteFunction?: (name: string, args: readonly string[]) => string | undefined;
  /** Writes `'... 03:04:05 +05:30'` literals without the space DuckDB cannot read. */
  readonly joinOffsetLiterals?: boolean;
  /** CURRENT_TIMESTAMP and friends stay live (a column DEFAULT), instead of the engine clock's instant. */
  readonly liveClock?: boolean;
}

export interface Translated {
  readonly sql: string;
  /** For each DuckDB parameter `$k` (index k-1), the 0-based index of the Snowflake bind it takes. */
  readonly bindOrder: readonly number[];
}

const RELATION_STOP = new Set([
  'WHERE', 'JOIN', 'ON', 'GROUP', 'ORDER', 'LIMIT', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'UNION', 'QUALIFY', 'HAVING',
  'WINDOW', 'NATURAL', 'USING', 'WHEN', 'EXCEPT', 'INTERSECT', 'MINUS', 'SET', 'OFFSET', 'FETCH', 'OUTER', 'LATERAL', 'SAMPLE',
  'TABLESAMPLE', 'PIVOT', 'UNPIVOT', 'MATCH_RECOGNIZE', 'CHANGES', 'AT', 'BEFORE', 'VALUES', 'SELECT', 'RETURNING', 'ASOF', 'POSITIONAL', 'ANTI', 'SEMI',
]);

/** The column naming the database in each information_schema view DuckDB offers. */
const INFORMATION_SCHEMA_CATALOG: Record<string, string> = {
  TABLES: 'table_catalog',
  COLUMNS: 'table_catalog',
  VIEWS: 'table_catalog',
  SCHEMATA: 'catalog_name',
  TABLE_CONSTRAINTS: 'table_catalog',
  KEY_COLUMN_USAGE: 'table_catalog',
  REFERENTIAL_CONSTRAINTS: 'constraint_catalog',
};


export { sqlIdent, sqlString };

function isTrivia(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === 'ws' || t.kind === 'comment');
}

/** Name parts of a (possibly dotted) identifier as Snowflake resolves them: unquoted upper-cased. */
export function identifierParts(text: string): string[] {
  const tokens = tokenize(text.trim()).filter((t) => !isTrivia(t));
  const parts: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'word') parts.push(t.value.toUpperCase());
    else if (t.kind === 'qident') parts.push(t.value);
    else if (t.text === '.') continue;
    else throw syntaxError(`invalid identifier '${text}'`);
  }
  return parts;
}

/** `DB.SCHEMA.NAME` for a one-, two- or three-part name in the session's database and schema. */
export function qualifyParts(parts: readonly string[], database: string, schema: string): string {
  if (parts.length === 3) return parts.join('.');
  if (parts.length === 2) return [database, ...parts].join('.');
  if (parts.length === 1) return [database, schema, parts[0]].join('.');
  throw syntaxError(`invalid object name '${parts.join('.')}'`);
}

class Translator {
  private binds: number[] = [];
  private positionalCount = 0;
  private readonly statementKind: string;

  constructor(
    private readonly ctx: DialectContext,
    private readonly typePositions: Set<Token>,
    firstWord: string,
  ) {
    this.statementKind = firstWord;
  }

  order(): number[] {
    return this.binds;
  }

  /** Translates tokens[from, to) to DuckDB text. */
  run(tokens: readonly Token[], from = 0, to = tokens.length): string {
    let out = '';
    const parenFns: string[] = [];
    // Where the latest operand (a dotted name, a call, a parenthesised expression) starts in `out`,
    // so a `:path` after it can wrap the whole operand.
    let opStart = 0;
    let dotChain = false;
    const parenStarts: number[] = [];
    const markOperand = (): void => {
      if (!dotChain) opStart = out.length;
      dotChain = false;
    };
    let i = from;
    const next = (j: number): number => {
      let k = j;
      while (k < to && isTrivia(tokens[k])) k++;
      return k;
    };
    const prevMeaningful = (j: number): Token | undefined => {
      let k = j - 1;
      while (k >= from && isTrivia(tokens[k])) k--;
      return k >= from ? tokens[k] : undefined;
    };
    while (i < to) {
      const t = tokens[i]!;
      switch (t.kind) {
        case 'comment':
          i++;
          continue;
        case 'ws':
          out += t.text.includes('\n') ? '\n' : ' ';
          i++;
          continue;
        case 'string':
          out += sqlString(this.ctx.joinOffsetLiterals ? t.value.replace(/^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s+([+-]\d{2}(?::?\d{2})?)$/, '$1$2') : t.value);
          i++;
          continue;
        case 'qident':
          markOperand();
          out += sqlIdent(t.value);
          i++;
          continue;
        case 'number':
        case 'dollar':
          out += t.text;
          i++;
          continue;
        case 'bind': {
          const idx = t.value === '' ? this.positionalCount++ : Number(t.value) - 1;
          this.binds.push(idx);
          out += `$${this.binds.length}`;
          i++;
          continue;
        }
        case 'op': {
          if (t.text === '(') {
            const p = prevMeaningful(i);
            const call = p !== undefined && p.kind === 'word';
            parenFns.push(call ? p.value.toUpperCase() : '');
            parenStarts.push(call ? opStart : out.length);
            dotChain = false;
          } else if (t.text === ')') {
            parenFns.pop();
            out += ')';
            i++;
            opStart = parenStarts.pop() ?? opStart;
            continue;
          }
          dotChain = t.text === '.';
          // Semi-structured path `col:key.sub` → DuckDB JSON operators; `$1:"col"` belongs to COPY.
          const after = tokens[i + 1];
          const before = tokens[i - 1];
          if (t.text === ':' && after && (after.kind === 'word' || after.kind === 'qident') && before && !isTrivia(before) && before.kind !== 'dollar') {
            const keys: string[] = [after.value];
            let j = i + 2;
            while (tokens[j]?.text === '.' && (tokens[j + 1]?.kind === 'word' || tokens[j + 1]?.kind === 'qident')) {
              keys.push(tokens[j + 1]!.value);
              j += 2;
            }
            // A cast of the last element reads it as text (`v:a::string` is `x`, not `"x"`).
            const castFollows = tokens[next(j)]?.text === '::';
            const operand = out.slice(opStart);
            out = `${out.slice(0, opStart)}(${operand}${keys.map((k, n) => `${castFollows && n === keys.length - 1 ? '->>' : '->'}${sqlString(k)}`).join('')})`;
            i = j;
            continue;
          }
          out += t.text;
          i++;
          continue;
        }
        case 'word': {
          const up = t.value.toUpperCase();
          const prev = prevMeaningful(i);
          const nextIdx = next(i + 1);
          const isCall = tokens[nextIdx]?.text === '(';
          // Types: after `::`, after AS inside CAST(...), and in column definitions.
          const inCast = parenFns.length > 0 && /^(TRY_)?CAST$/.test(parenFns[parenFns.length - 1]!) && prev?.kind === 'word' && prev.value.toUpperCase() === 'AS';
          if ((prev?.text === '::' || inCast || this.typePositions.has(t)) && isSnowflakeTypeName(up)) {
            const mapped = mapType(tokens, i);
            if (mapped) {
              out += mapped.sql;
              i += mapped.consumed;
              continue;
            }
          }
          if (isCall) {
            const close = matchParen(tokens, nextIdx, to);
            let end = close + 1;
            let within = '';
            // LISTAGG/ARRAY_AGG(x) WITHIN GROUP (ORDER BY ...): DuckDB takes the ORDER BY inside the call.
            if (up === 'LISTAGG' || up === 'ARRAY_AGG') {
              const w = next(close + 1);
              const g = next(w + 1);
              const o = next(g + 1);
              if (tokens[w]?.value.toUpperCase() === 'WITHIN' && tokens[g]?.value.toUpperCase() === 'GROUP' && tokens[o]?.text === '(') {
                const oc = matchParen(tokens, o, to);
                within = ` ${this.run(tokens, o + 1, oc).trim()}`;
                end = oc + 1;
              }
            }
            const rewritten = this.rewriteCall(up, tokens, nextIdx, close, within);
            if (rewritten !== undefined) {
              markOperand();
              out += rewritten;
              i = end;
              continue;
            }
          }
          if ((up === 'RLIKE' || up === 'REGEXP') && !isCall) {
            // Snowflake's infix RLIKE matches the whole string, as DuckDB's SIMILAR TO does.
            out += 'SIMILAR TO';
            i++;
            continue;
          }
          const niladic = this.niladic(up, prev);
          if (niladic !== undefined) {
            markOperand();
            out += niladic;
            i = isCall && tokens[next(nextIdx + 1)]?.text === ')' ? next(nextIdx + 1) + 1 : i + 1;
            continue;
          }
          if ((up === 'FROM' && !(prev?.kind === 'word' && prev.value.toUpperCase() === 'DELETE')) || up === 'JOIN' || (up === 'USING' && (this.statementKind === 'MERGE' || this.statementKind === 'DELETE'))) {
            out += up;
            i++;
            const r = this.relationAt(tokens, i, to);
            if (r) {
              out += r.text;
              i = r.end;
            }
            continue;
          }
          markOperand();
          out += up;
          i++;
          continue;
        }
      }
    }
    return out;
  }

  /** Handles a relation after FROM/JOIN/USING: offers it to the extensions; adds an alias if none. */
  private relationAt(tokens: readonly Token[], start: number, to: number): { text: string; end: number } | undefined {
    if (!this.ctx.relation) return undefined;
    let j = start;
    let ws = '';
    while (j < to && isTrivia(tokens[j])) {
      ws = ' ';
      j++;
    }
    const parts: string[] = [];
    let k = j;
    while (k < to) {
      const t = tokens[k]!;
      if (t.kind === 'word') parts.push(t.value.toUpperCase());
      else if (t.kind === 'qident') parts.push(t.value);
      else break;
      k++;
      if (tokens[k]?.text === '.' && (tokens[k + 1]?.kind === 'word' || tokens[k + 1]?.kind === 'qident')) k++;
      else break;
    }
    if (parts.length === 0 || parts.length > 3) return undefined;
    let after = k;
    while (after < to && isTrivia(tokens[after])) after++;
    if (tokens[after]?.text === '(') return undefined; // a table function
    if (parts.length === 1 && RELATION_STOP.has(parts[0]!)) return undefined;
    const qualified = qualifyParts(parts, this.ctx.database, this.ctx.schema);
    const [db, schema, view] = qualified.split('.') as [string, string, string];
    // DuckDB has one information_schema for all catalogs; Snowflake has one per database.
    const infoFilter = schema === 'INFORMATION_SCHEMA' ? INFORMATION_SCHEMA_CATALOG[view] : undefined;
    const replacement = infoFilter
      ? `(SELECT * FROM information_schema.${view.toLowerCase()} WHERE ${infoFilter} = ${sqlString(db)})`
      : schema === 'INFORMATION_SCHEMA'
        ? `(SELECT * FROM information_schema.${view.toLowerCase()})`
        : this.ctx.relation(qualified);
    if (replacement === undefined) return undefined;
    const sub = translateStatement(replacement, { ...this.ctx, relation: undefined }).sql;
    const nextTok = tokens[after];
    const hasAlias = nextTok !== undefined && (nextTok.kind === 'qident' || (nextTok.kind === 'word' && (nextTok.value.toUpperCase() === 'AS' || !RELATION_STOP.has(nextTok.value.toUpperCase()))));
    const alias = hasAlias ? '' : ` AS ${sqlIdent(parts[parts.length - 1]!)}`;
    return { text: `${ws}${sub}${alias}`, end: k };
  }

  private niladic(up: string, prev: Token | undefined): string | undefined {
    if (prev?.text === '.') return undefined;
    const c = this.ctx;
    if (c.liveClock && /^(CURRENT_TIMESTAMP|LOCALTIMESTAMP|SYSTIMESTAMP|CURRENT_DATE|CURRENT_TIME|LOCALTIME)$/.test(up)) return up === 'CURRENT_DATE' ? 'current_date' : up.includes('TIME') && !up.includes('STAMP') ? 'current_time' : 'current_timestamp';
    const iso = c.now.toISOString();
    switch (up) {
      case 'CURRENT_TIMESTAMP':
      case 'LOCALTIMESTAMP':
      case 'SYSTIMESTAMP':
        return `CAST(${sqlString(iso)} AS TIMESTAMPTZ)`;
      case 'CURRENT_DATE':
        return `CAST(${sqlString(iso.slice(0, 10))} AS DATE)`;
      case 'CURRENT_TIME':
      case 'LOCALTIME':
        return `CAST(${sqlString(iso.slice(11, 23))} AS TIME)`;
      default:
        return undefined;
    }
  }

  private args(tokens: readonly Token[], open: number, close: number): string[] {
    const out: string[] = [];
    let depth = 0;
    let start = open + 1;
    for (let j = open + 1; j < close; j++) {
      const t = tokens[j]!;
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      else if (t.text === ',' && depth === 0) {
        out.push(this.run(tokens, start, j).trim());
        start = j + 1;
      }
    }
    const last = this.run(tokens, start, close).trim();
    if (last !== '' || out.length > 0) out.push(last);
    return out;
  }

  private rawArg(tokens: readonly Token[], open: number, close: number, index: number): Token[] {
    let depth = 0;
    let n = 0;
    const out: Token[] = [];
    for (let j = open + 1; j < close; j++) {
      const t = tokens[j]!;
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      if (t.text === ',' && depth === 0) {
        n++;
        continue;
      }
      if (n === index && !isTrivia(t)) out.push(t);
    }
    return out;
  }

  private datePart(tokens: readonly Token[], open: number, close: number, fn: string): string {
    const raw = this.rawArg(tokens, open, close, 0);
    const word = raw.length === 1 ? raw[0]!.value.toUpperCase() : '';
    const part = DATE_PARTS[word];
    if (!part) throw syntaxError(`invalid date part '${raw.map((t) => t.text).join('')}' for ${fn}`);
    return part;
  }

  private rewriteCall(up: string, tokens: readonly Token[], open: number, close: number, within = ''): string | undefined {
    // Arguments are translated at most once (binds are numbered as they are met); when nothing is
    // rewritten the bind numbering is rolled back so the caller can translate the call token by token.
    const saved = { binds: this.binds.length, positional: this.positionalCount };
    const result = this.rewriteCallOnce(up, tokens, open, close, within);
    if (result === undefined) {
      this.binds.length = saved.binds;
      this.positionalCount = saved.positional;
    }
    return result;
  }

  private rewriteCallOnce(up: string, tokens: readonly Token[], open: number, close: number, within: string): string | undefined {
    const c = this.ctx;
    let cached: string[] | undefined;
    const a = (): string[] => (cached ??= this.args(tokens, open, close));
    if (c.rewriteFunction) {
      const ext = c.rewriteFunction(up, a());
      if (ext !== undefined) return ext;
    }
    if (c.liveClock && /^(CURRENT_TIMESTAMP|LOCALTIMESTAMP|SYSTIMESTAMP|GETDATE|CURRENT_DATE)$/.test(up)) return up === 'CURRENT_DATE' ? 'current_date' : 'current_timestamp';
    return rewriteSnowflakeFunction(
      {
        name: up,
        args: a,
        rawArg: (index) => this.rawArg(tokens, open, close, index),
        datePart: () => this.datePart(tokens, open, close, up),
        within,
      },
      c,
    );
  }
}

function matchParen(tokens: readonly Token[], open: number, to: number): number {
  let depth = 0;
  for (let j = open; j < to; j++) {
    const t = tokens[j]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      depth--;
      if (depth === 0) return j;
    }
  }
  throw syntaxError('unbalanced parentheses');
}

/** Marks the type tokens of CREATE TABLE column definitions and ALTER TABLE ... ADD COLUMN. */
function findTypePositions(tokens: readonly Token[]): Set<Token> {
  const out = new Set<Token>();
  const m = tokens.filter((t) => !isTrivia(t));
  const words = m.map((t) => (t.kind === 'word' ? t.value.toUpperCase() : ''));
  const tableAt = words.indexOf('TABLE');
  if (words[0] === 'CREATE' && tableAt > 0) {
    const open = m.findIndex((t, i) => i > tableAt && t.text === '(');
    const asAt = words.findIndex((w, i) => i > tableAt && w === 'AS');
    if (open < 0 || (asAt >= 0 && asAt < open)) return out;
    let depth = 0;
    let expectName = true;
    let afterName = false;
    for (let i = open; i < m.length; i++) {
      const t = m[i]!;
      if (t.text === '(') {
        depth++;
        if (depth === 1) expectName = true;
        continue;
      }
      if (t.text === ')') {
        depth--;
        if (depth === 0) break;
        continue;
      }
      if (depth !== 1) continue;
      if (t.text === ',') {
        expectName = true;
        afterName = false;
        continue;
      }
      if (expectName) {
        expectName = false;
        afterName = !['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'].includes(words[i]!);
        continue;
      }
      if (afterName) {
        out.add(t);
        afterName = false;
      }
    }
  } else if (words[0] === 'ALTER' && words[1] === 'TABLE') {
    for (let i = 2; i < m.length - 1; i++) {
      if (words[i] === 'ADD') {
        const nameAt = words[i + 1] === 'COLUMN' ? i + 2 : i + 1;
        let typeAt = nameAt + 1;
        if (words[nameAt] === 'IF') typeAt = nameAt + 4; // ADD COLUMN IF NOT EXISTS name type
        const t = m[typeAt];
        if (t) out.add(t);
      }
    }
  }
  return out;
}

/** Translates one Snowflake statement to DuckDB SQL. */
export function translateStatement(sql: string, ctx: DialectContext): Translated {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (e) {
    throw syntaxError(e instanceof Error ? e.message : String(e));
  }
  const first = tokens.find((t) => !isTrivia(t));
  const translator = new Translator(ctx, findTypePositions(tokens), first?.kind === 'word' ? first.value.toUpperCase() : '');
  const out = translator.run(tokens).trim();
  return { sql: out, bindOrder: translator.order() };
}

export { SqlError };

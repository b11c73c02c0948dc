/**
 * Snowflake SQL → DuckDB SQL, one statement at a time, on tokens (never inside literals):
 * unquoted identifiers upper-cased (Snowflake's case folding), binds renumbered, Snowflake types
 * mapped, Snowflake-only functions rewritten, and each relation read offered to the extensions.
 */
import { tokenize, type Token } from './sql-tokenizer.js';
import { isSnowflakeTypeName, mapType } from './sql-types.js';
import { SqlError, syntaxError } from './sql-error.js';

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

const DATE_PARTS: Record<string, string> = {
  Y: 'year', YY: 'year', YYY: 'year', YYYY: 'year', YR: 'year', YEARS: 'year', YRS: 'year', YEAR: 'year',
  MM: 'month', MON: 'month', MONS: 'month', MONTHS: 'month', MONTH: 'month',
  D: 'day', DD: 'day', DAYS: 'day', DAYOFMONTH: 'day', DAY: 'day',
  W: 'week', WK: 'week', WEEKOFYEAR: 'week', WOY: 'week', WY: 'week', WEEKS: 'week', WEEK: 'week',
  Q: 'quarter', QTR: 'quarter', QTRS: 'quarter', QUARTERS: 'quarter', QUARTER: 'quarter',
  H: 'hour', HH: 'hour', HR: 'hour', HOURS: 'hour', HRS: 'hour', HOUR: 'hour',
  M: 'minute', MI: 'minute', MIN: 'minute', MINUTES: 'minute', MINS: 'minute', MINUTE: 'minute',
  S: 'second', SEC: 'second', SECONDS: 'second', SECS: 'second', SECOND: 'second',
  MS: 'millisecond', MSEC: 'millisecond', MILLISECONDS: 'millisecond', MILLISECOND: 'millisecond',
  US: 'microsecond', USEC: 'microsecond', MICROSECONDS: 'microsecond', MICROSECOND: 'microsecond',
  NS: 'nanosecond', NSEC: 'nanosecond', NANOSEC: 'nanosecond', NSECOND: 'nanosecond', NANOSECONDS: 'nanosecond', NANOSECOND: 'nanosecond',
};

/** Quotes a DuckDB string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Quotes a DuckDB identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

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
    switch (up) {
      case 'CURRENT_TIMESTAMP':
      case 'LOCALTIMESTAMP':
      case 'SYSDATE':
      case 'GETDATE':
      case 'SYSTIMESTAMP':
        return up === 'SYSDATE' ? `CAST(${sqlString(c.now.toISOString().replace('T', ' ').replace('Z', ''))} AS TIMESTAMP_NS)` : `CAST(${sqlString(c.now.toISOString())} AS TIMESTAMPTZ)`;
      case 'CURRENT_DATE':
        return `CAST(${sqlString(c.now.toISOString().slice(0, 10))} AS DATE)`;
      case 'CURRENT_ROLE':
        return sqlString(c.role);
      case 'CURRENT_USER':
        return sqlString(c.user);
      case 'CURRENT_WAREHOUSE':
        return sqlString(c.warehouse);
      case 'CURRENT_ACCOUNT':
      case 'CURRENT_ACCOUNT_NAME':
        return sqlString(c.account);
      case 'CURRENT_DATABASE':
        return c.database ? sqlString(c.database) : 'NULL';
      case 'CURRENT_SCHEMA':
        return c.schema ? sqlString(c.schema) : 'NULL';
      case 'CURRENT_SESSION':
        return sqlString(c.sessionId);
      case 'CURRENT_VERSION':
        return sqlString('9.99.0');
      case 'CURRENT_REGION':
        return sqlString('LOCAL');
      case 'IFF':
        return `IF(${a().join(', ')})`;
      case 'NVL':
        return `COALESCE(${a().join(', ')})`;
      case 'NVL2': {
        const [x, y, z] = a();
        return `(CASE WHEN (${x}) IS NOT NULL THEN (${y}) ELSE (${z}) END)`;
      }
      case 'ZEROIFNULL':
        return `COALESCE(${a()[0]}, 0)`;
      case 'NULLIFZERO':
        return `NULLIF(${a()[0]}, 0)`;
      case 'DIV0': {
        const [x, y] = a();
        return `(CASE WHEN (${y}) = 0 THEN 0 ELSE (${x}) / (${y}) END)`;
      }
      case 'EQUAL_NULL': {
        const [x, y] = a();
        return `((${x}) IS NOT DISTINCT FROM (${y}))`;
      }
      case 'PARSE_JSON':
        return `json(${a()[0]})`;
      case 'TRY_PARSE_JSON': {
        const x = a()[0];
        return `(CASE WHEN json_valid(${x}) THEN json(${x}) ELSE NULL END)`;
      }
      case 'TO_VARIANT':
      case 'TO_OBJECT':
      case 'TO_ARRAY':
        return `to_json(${a()[0]})`;
      case 'OBJECT_CONSTRUCT':
      case 'OBJECT_CONSTRUCT_KEEP_NULL': {
        const args = a();
        if (args.some((x) => x === '*')) throw syntaxError(`${up}(*) is not supported by the local Snowflake endpoint`);
        return `json_object(${args.join(', ')})`;
      }
      case 'ARRAY_CONSTRUCT':
        return `json_array(${a().join(', ')})`;
      case 'ARRAY_SIZE':
        return `json_array_length(${a()[0]})`;
      case 'DATEADD':
      case 'TIMESTAMPADD':
      case 'TIMEADD': {
        const part = this.datePart(tokens, open, close, up);
        const [, n, d] = a();
        if (part === 'nanosecond') return `(${d} + to_microseconds(CAST((${n}) / 1000 AS BIGINT)))`;
        if (part === 'quarter') return `(${d} + to_months(CAST((${n}) * 3 AS INTEGER)))`;
        return `(${d} + to_${part}s(CAST(${n} AS ${part === 'second' || part === 'millisecond' || part === 'microsecond' ? 'BIGINT' : 'INTEGER'})))`;
      }
      case 'DATEDIFF':
      case 'TIMESTAMPDIFF':
      case 'TIMEDIFF': {
        const part = this.datePart(tokens, open, close, up);
        const [, x, y] = a();
        if (part === 'nanosecond') return `(date_diff('microsecond', ${x}, ${y}) * 1000)`;
        return `date_diff(${sqlString(part)}, ${x}, ${y})`;
      }
      case 'DATE_TRUNC': {
        const raw = this.rawArg(tokens, open, close, 0);
        const [, x] = a();
        const word = raw.length === 1 && raw[0]!.kind !== 'string' ? DATE_PARTS[raw[0]!.value.toUpperCase()] : undefined;
        const partSql = word ? sqlString(word) : a()[0]!;
        return `date_trunc(${partSql}, ${x})`;
      }
      case 'TO_DATE':
      case 'DATE':
      case 'TRY_TO_DATE': {
        const [x, fmt] = a();
        const cast = up === 'TRY_TO_DATE' ? 'TRY_CAST' : 'CAST';
        if (fmt) return `${cast}(strptime(${x}, ${snowflakeFormat(fmt)}) AS DATE)`;
        return `${cast}(${x} AS DATE)`;
      }
      case 'TO_TIMESTAMP':
      case 'TO_TIMESTAMP_NTZ':
      case 'TO_TIMESTAMP_LTZ':
      case 'TO_TIMESTAMP_TZ':
      case 'TRY_TO_TIMESTAMP':
      case 'TRY_TO_TIMESTAMP_NTZ':
      case 'TRY_TO_TIMESTAMP_LTZ':
      case 'TRY_TO_TIMESTAMP_TZ': {
        const target = /_(LTZ|TZ)$/.test(up) ? 'TIMESTAMPTZ' : 'TIMESTAMP_NS';
        const cast = up.startsWith('TRY_') ? 'TRY_CAST' : 'CAST';
        const raw = this.rawArg(tokens, open, close, 0);
        const [x, fmt] = a();
        if (raw.length === 1 && raw[0]!.kind === 'number') return `${cast}(to_timestamp(${x}) AS ${target})`;
        if (fmt && /^'/.test(fmt)) return `${cast}(strptime(${x}, ${snowflakeFormat(fmt)}) AS ${target})`;
        if (fmt) return `${cast}(to_timestamp(CAST(${x} AS DOUBLE) / pow(10, ${fmt})) AS ${target})`;
        return `${cast}(${x} AS ${target})`;
      }
      case 'TO_NUMBER':
      case 'TO_DECIMAL':
      case 'TO_NUMERIC':
      case 'TRY_TO_NUMBER':
      case 'TRY_TO_DECIMAL':
      case 'TRY_TO_NUMERIC': {
        const args = a();
        const nums = args.slice(1).filter((x) => /^\d+$/.test(x));
        const cast = up.startsWith('TRY_') ? 'TRY_CAST' : 'CAST';
        return `${cast}(${args[0]} AS DECIMAL(${nums[0] ?? '38'},${nums[1] ?? '0'}))`;
      }
      case 'TO_DOUBLE':
        return `CAST(${a()[0]} AS DOUBLE)`;
      case 'TO_BOOLEAN':
        return `CAST(${a()[0]} AS BOOLEAN)`;
      case 'TO_CHAR':
      case 'TO_VARCHAR': {
        const [x, fmt] = a();
        if (fmt) return `strftime(${x}, ${snowflakeFormat(fmt)})`;
        return `CAST(${x} AS VARCHAR)`;
      }
      case 'REGEXP_SUBSTR': {
        const [s, p, pos, occ, params, group] = a();
        if (occ && occ !== '1') throw syntaxError('REGEXP_SUBSTR with an occurrence other than 1 is not supported by the local Snowflake endpoint');
        const subject = pos && pos !== '1' ? `substr(${s}, ${pos})` : s;
        const wantsGroup = group !== undefined || (params !== undefined && /e/.test(params));
        const g = group ?? (wantsGroup ? '1' : '0');
        const flags = params ? params.replace(/[e']/g, '') : '';
        const flagSql = flags ? `, ${sqlString(flags)}` : '';
        // Snowflake answers NULL when nothing matches; DuckDB answers ''.
        return `NULLIF(regexp_extract(${subject}, ${p}, ${g}${flagSql}), '')`;
      }
      case 'REGEXP_LIKE':
      case 'RLIKE': {
        const [s, p] = a();
        return `regexp_full_match(${s}, ${p})`;
      }
      case 'LEN':
        return `length(${a()[0]})`;
      case 'LISTAGG': {
        const args = a();
        return `string_agg(${args[0]}, ${args[1] ?? "''"}${within})`;
      }
      case 'ARRAY_AGG':
        return within ? `array_agg(${a().join(', ')}${within})` : undefined;
      case 'DECODE': {
        const [x, ...rest] = a();
        let sql = '(CASE';
        for (let k = 0; k + 1 < rest.length; k += 2) sql += ` WHEN (${x}) IS NOT DISTINCT FROM (${rest[k]}) THEN ${rest[k + 1]}`;
        if (rest.length % 2 === 1) sql += ` ELSE ${rest[rest.length - 1]}`;
        return `${sql} END)`;
      }
      case 'SHA2':
      case 'SHA2_HEX': {
        const [x, bits] = a();
        if (bits && bits !== '256') throw syntaxError(`SHA2 with ${bits} bits is not supported by the local Snowflake endpoint`);
        return `sha256(${x})`;
      }
      case 'SHA1':
      case 'SHA1_HEX':
        return `sha1(${a()[0]})`;
      case 'MD5_HEX':
        return `md5(${a()[0]})`;
      // ISO day of week (Monday = 1) and ISO week: DuckDB's names for them.
      case 'DAYOFWEEKISO':
        return `isodow(${a()[0]})`;
      case 'WEEKISO':
        return `weekofyear(${a()[0]})`;
      case 'BOOLAND_AGG':
        return `bool_and(${a()[0]})`;
      case 'BOOLOR_AGG':
        return `bool_or(${a()[0]})`;
      case 'STARTSWITH':
        return `starts_with(${a().join(', ')})`;
      case 'ENDSWITH':
        return `ends_with(${a().join(', ')})`;
      case 'CHARINDEX': {
        const [x, y] = a();
        return `instr(${y}, ${x})`;
      }
      case 'UUID_STRING':
        return 'CAST(uuid() AS VARCHAR)';
      case 'HEX_ENCODE':
        return `hex(${a()[0]})`;
      case 'BASE64_ENCODE':
        return `to_base64(CAST(${a()[0]} AS BLOB))`;
      case 'FLATTEN':
        throw syntaxError('FLATTEN is not supported by the local Snowflake endpoint');
      default:
        return undefined;
    }
  }
}

/** Snowflake date format (YYYY-MM-DD HH24:MI:SS.FF) → strftime pattern, for the common elements. */
function snowflakeFormat(literal: string): string {
  const m = literal.match(/^'(.*)'$/s);
  if (!m) return literal;
  const f = m[1]!
    .replace(/YYYY/g, '%Y')
    .replace(/YY/g, '%y')
    .replace(/MM/g, '%m')
    .replace(/MON/g, '%b')
    .replace(/DD/g, '%d')
    .replace(/HH24/g, '%H')
    .replace(/HH12/g, '%I')
    .replace(/MI/g, '%M')
    .replace(/SS/g, '%S')
    .replace(/FF\d?/g, '%f')
    .replace(/TZH:TZM/g, '%z');
  return sqlString(f);
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

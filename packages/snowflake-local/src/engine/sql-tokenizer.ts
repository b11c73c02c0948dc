/**
 * A tokenizer for Snowflake SQL that respects quotes, dollar-quoted strings and comments, so the
 * dialect pass never rewrites text inside a literal or a quoted identifier.
 */

export type TokenKind =
  | 'word' // unquoted identifier or keyword
  | 'qident' // "quoted identifier"
  | 'string' // 'literal' or $$literal$$
  | 'number'
  | 'bind' // ? or :N
  | 'dollar' // $N (a staged file's column, or a DuckDB parameter)
  | 'op'
  | 'ws'
  | 'comment';

export interface Token {
  readonly kind: TokenKind;
  /** The exact source text. */
  readonly text: string;
  /** Decoded value: the string's content, the quoted identifier's name, the bind's position. */
  readonly value: string;
  readonly pos: number;
}

const TWO_CHAR_OPS = ['::', '<=', '>=', '<>', '!=', '||', '=>', '->'];

function decodeSnowflakeString(body: string): string {
  // Snowflake single-quoted strings accept backslash escapes as well as a doubled quote.
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "'" && body[i + 1] === "'") {
      out += "'";
      i++;
    } else if (c === '\\' && i + 1 < body.length) {
      const n = body[i + 1]!;
      i++;
      switch (n) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '0': out += '\0'; break;
        default: out += n;
      }
    } else {
      out += c;
    }
  }
  return out;
}

/** Splits SQL text into tokens; throws a SyntaxError on an unterminated literal or comment. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = sql.slice(start, end);
    tokens.push({ kind, text, value: value ?? text, pos: start });
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const start = i;
    if (/\s/.test(c)) {
      while (i < sql.length && /\s/.test(sql[i]!)) i++;
      push('ws', start, i);
    } else if ((c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '/')) {
      while (i < sql.length && sql[i] !== '\n') i++;
      push('comment', start, i);
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new SyntaxError('unterminated comment');
      i = end + 2;
      push('comment', start, i);
    } else if (c === "'") {
      i++;
      while (i < sql.length) {
        if (sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      if (i >= sql.length) throw new SyntaxError('unterminated string literal');
      i++;
      push('string', start, i, decodeSnowflakeString(sql.slice(start + 1, i - 1)));
    } else if (c === '$' && sql[i + 1] === '$') {
      const end = sql.indexOf('$$', i + 2);
      if (end < 0) throw new SyntaxError('unterminated $$ string');
      i = end + 2;
      push('string', start, i, sql.slice(start + 2, end));
    } else if (c === '"') {
      i++;
      while (i < sql.length) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') break;
        else i++;
      }
      if (i >= sql.length) throw new SyntaxError('unterminated quoted identifier');
      i++;
      push('qident', start, i, sql.slice(start + 1, i - 1).replace(/""/g, '"'));
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < sql.length && /[0-9.]/.test(sql[i]!)) i++;
      if ((sql[i] === 'e' || sql[i] === 'E') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < sql.length && /[0-9]/.test(sql[i]!)) i++;
      }
      push('number', start, i);
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[i]!)) i++;
      push('word', start, i);
    } else if (c === '?') {
      i++;
      push('bind', start, i, '');
    } else if (c === ':' && /[0-9]/.test(sql[i + 1] ?? '') && sql[i - 1] !== ':') {
      i++;
      while (i < sql.length && /[0-9]/.test(sql[i]!)) i++;
      push('bind', start, i, sql.slice(start + 1, i));
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      i++;
      while (i < sql.length && /[0-9]/.test(sql[i]!)) i++;
      push('dollar', start, i);
    } else {
      const two = sql.slice(i, i + 2);
      i += TWO_CHAR_OPS.includes(two) ? 2 : 1;
      push('op', start, i);
    }
  }
  return tokens;
}

/** Splits a script into statements on top-level `;`, dropping comments and empty statements. */
export function splitStatements(sql: string): string[] {
  const tokens = tokenize(sql);
  const out: string[] = [];
  let current: Token[] = [];
  let depth = 0;
  // Snowflake Scripting blocks (BEGIN ... END inside a task body) hold `;` that do not end the statement.
  let blockDepth = 0;
  const flush = (): void => {
    const text = current.filter((t) => t.kind !== 'comment').map((t) => t.text).join('').trim();
    if (text) out.push(text);
    current = [];
  };
  for (const t of tokens) {
    if (t.kind === 'op' && t.text === '(') depth++;
    if (t.kind === 'op' && t.text === ')') depth--;
    if (t.kind === 'word') {
      const up = t.value.toUpperCase();
      const meaningful = current.filter((x) => x.kind !== 'ws' && x.kind !== 'comment');
      const prev = meaningful[meaningful.length - 1];
      if (up === 'BEGIN' && isBlockBegin(meaningful)) blockDepth++;
      else if (up === 'END' && blockDepth > 0 && !(prev && prev.kind === 'word' && /^(CASE)$/i.test(prev.value))) {
        if (!hasOpenCase(meaningful)) blockDepth--;
      }
    }
    if (t.kind === 'op' && t.text === ';' && depth === 0 && blockDepth === 0) {
      flush();
      continue;
    }
    current.push(t);
  }
  flush();
  return out;
}

/** A BEGIN opens a block when it follows AS (a task body) or another block's content, not BEGIN TRANSACTION. */
function isBlockBegin(before: Token[]): boolean {
  const prev = before[before.length - 1];
  return prev !== undefined && prev.kind === 'word' && /^(AS|THEN|ELSE|DO)$/i.test(prev.value);
}

function hasOpenCase(tokens: Token[]): boolean {
  let open = 0;
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
    const up = t.value.toUpperCase();
    if (up === 'CASE') open++;
    else if (up === 'END' && open > 0) open--;
  }
  return open > 0;
}

/** Removes comments and trims; keeps everything else as written. */
export function stripComments(sql: string): string {
  return tokenize(sql).filter((t) => t.kind !== 'comment').map((t) => t.text).join('').trim();
}

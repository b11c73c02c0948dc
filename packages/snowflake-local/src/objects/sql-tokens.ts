/**
 * A small tokenizer and cursor for the Snowflake statements this layer owns (CREATE STAGE, COPY
 * INTO, CREATE PIPE...). The engine's translator handles general SQL; these statements only need
 * words, literals, stage references and punctuation, with source offsets kept so a clause can be
 * quoted back verbatim (a pipe's definition, an object name as written).
 */
import { compilationError } from './snowflake-error.js';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'stage' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** Words as written; quoted identifiers and strings unescaped; stage references without `@`. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const WORD_START = /[A-Za-z_$]/;
const WORD_PART = /[A-Za-z0-9_$]/;

/** Snowflake single-quoted literal escapes (`''` and backslash sequences). */
const BACKSLASH_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' };

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c) || c === ';') {
      i += 1;
      continue;
    }
    const start = i;
    if (c === "'") {
      let text = '';
      i += 1;
      for (;;) {
        if (i >= sql.length) throw compilationError(`syntax error: unterminated string literal at position ${start}`, '001003', '42000');
        const d = sql[i] as string;
        if (d === '\\' && i + 1 < sql.length) {
          const e = sql[i + 1] as string;
          text += BACKSLASH_ESCAPES[e] ?? e;
          i += 2;
        } else if (d === "'") {
          if (sql[i + 1] === "'") {
            text += "'";
            i += 2;
          } else {
            i += 1;
            break;
          }
        } else {
          text += d;
          i += 1;
        }
      }
      tokens.push({ kind: 'string', text, start, end: i });
    } else if (c === '"') {
      const { text, end } = readQuoted(sql, i);
      i = end;
      tokens.push({ kind: 'quoted', text, start, end: i });
    } else if (c === '@') {
      // A stage reference runs to the next blank, comma or closing parenthesis; quoted name parts
      // may hold any of those.
      i += 1;
      while (i < sql.length && !/[\s,)(;]/.test(sql[i] as string)) {
        if (sql[i] === '"') i = readQuoted(sql, i).end;
        else i += 1;
      }
      tokens.push({ kind: 'stage', text: sql.slice(start + 1, i), start, end: i });
    } else if (WORD_START.test(c)) {
      while (i < sql.length && WORD_PART.test(sql[i] as string)) i += 1;
      tokens.push({ kind: 'word', text: sql.slice(start, i), start, end: i });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < sql.length && /[0-9.eE]/.test(sql[i] as string)) i += 1;
      tokens.push({ kind: 'number', text: sql.slice(start, i), start, end: i });
    } else if ((c === ':' && sql[i + 1] === ':') || (c === '=' && sql[i + 1] === '>')) {
      i += 2;
      tokens.push({ kind: 'punct', text: sql.slice(start, i), start, end: i });
    } else {
      i += 1;
      tokens.push({ kind: 'punct', text: c, start, end: i });
    }
  }
  return tokens;
}

function readQuoted(sql: string, from: number): { text: string; end: number } {
  let text = '';
  let i = from + 1;
  for (;;) {
    if (i >= sql.length) throw compilationError(`syntax error: unterminated quoted identifier at position ${from}`);
    const d = sql[i] as string;
    if (d === '"') {
      if (sql[i + 1] === '"') {
        text += '"';
        i += 2;
      } else return { text, end: i + 1 };
    } else {
      text += d;
      i += 1;
    }
  }
}

/** An option value: `'text'`, `123`, `TRUE`/`NONE`/`CSV`, `('a', 'b')` or `(KEY = value ...)`. */
export type OptionValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: string }
  | { readonly kind: 'word'; readonly value: string }
  | { readonly kind: 'list'; readonly items: readonly OptionValue[] }
  | { readonly kind: 'options'; readonly options: OptionMap };

/** Options keyed by upper-cased name, in the order written. */
export type OptionMap = Map<string, OptionValue>;

export class TokenCursor {
  pos = 0;
  constructor(
    readonly sql: string,
    readonly tokens: readonly Token[] = tokenize(sql),
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  next(): Token {
    const t = this.tokens[this.pos];
    if (t === undefined) throw compilationError('syntax error: unexpected end of statement.');
    this.pos += 1;
    return t;
  }

  /** True when the next tokens are these words (case-insensitive), without consuming them. */
  isWords(...words: string[]): boolean {
    return words.every((w, k) => {
      const t = this.peek(k);
      return t !== undefined && t.kind === 'word' && t.text.toUpperCase() === w;
    });
  }

  /** Consumes the words if they are next. */
  acceptWords(...words: string[]): boolean {
    if (!this.isWords(...words)) return false;
    this.pos += words.length;
    return true;
  }

  expectWords(...words: string[]): void {
    if (!this.acceptWords(...words)) this.fail(`expected '${words.join(' ')}'`);
  }

  acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t !== undefined && t.kind === 'punct' && t.text === p) {
      this.pos += 1;
      return true;
    }
    return false;
  }

  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) this.fail(`expected '${p}'`);
  }

  /** A possibly dotted object name, returned as written (for `EngineContext.qualify`). */
  name(): string {
    const first = this.next();
    if (first.kind !== 'word' && first.kind !== 'quoted') this.fail(`expected an object name`, first);
    let end = first.end;
    while (this.peek()?.text === '.' && this.peek()?.kind === 'punct') {
      this.pos += 1;
      const part = this.next();
      if (part.kind !== 'word' && part.kind !== 'quoted') this.fail('expected an object name', part);
      end = part.end;
    }
    return this.sql.slice(first.start, end);
  }

  /** `KEY = value` pairs until the end or a word in `stopWords`. */
  options(stopWords: readonly string[] = []): OptionMap {
    const map: OptionMap = new Map();
    while (!this.atEnd()) {
      const t = this.peek() as Token;
      if (t.kind === 'punct' && t.text === ')') break;
      if (t.kind === 'punct' && t.text === ',') {
        this.pos += 1;
        continue;
      }
      if (t.kind !== 'word') this.fail(`unexpected '${t.text}'`, t);
      if (stopWords.includes(t.text.toUpperCase())) break;
      this.pos += 1;
      if (!this.acceptPunct('=')) this.acceptPunct('=>');
      map.set(t.text.toUpperCase(), this.optionValue());
    }
    return map;
  }

  optionValue(): OptionValue {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'string', value: t.text };
    if (t.kind === 'number') return { kind: 'number', value: t.text };
    if (t.kind === 'punct' && t.text === '-' && this.peek()?.kind === 'number') return { kind: 'number', value: `-${this.next().text}` };
    if (t.kind === 'word' || t.kind === 'quoted') {
      // A dotted name (FORMAT_NAME = db.schema.ff) is kept as written.
      this.pos -= 1;
      const written = this.name();
      return { kind: 'word', value: t.kind === 'word' && !written.includes('.') ? written.toUpperCase() : written };
    }
    if (t.kind === 'punct' && t.text === '(') {
      const a = this.peek();
      const b = this.peek(1);
      if (a !== undefined && a.kind === 'word' && b !== undefined && b.kind === 'punct' && (b.text === '=' || b.text === '=>')) {
        const options = this.options();
        this.expectPunct(')');
        return { kind: 'options', options };
      }
      const items: OptionValue[] = [];
      while (!this.acceptPunct(')')) {
        if (this.acceptPunct(',')) continue;
        items.push(this.optionValue());
      }
      return { kind: 'list', items };
    }
    return this.fail(`unexpected '${t.text}'`, t);
  }

  fail(what: string, at: Token | undefined = this.peek()): never {
    const where = at === undefined ? 'at end of statement' : `at position ${at.start} near '${at.text}'`;
    throw compilationError(`syntax error ${where}: ${what}.`, '001003', '42000');
  }
}

/** The text of an option that must be a string or a bare word. */
export function optionText(v: OptionValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v.kind === 'string' || v.kind === 'word' || v.kind === 'number') return v.value;
  return undefined;
}

/** Splits `DB.SCHEMA."my name"` into its parts, unquoting quoted ones. */
export function nameParts(qualified: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < qualified.length) {
    if (qualified[i] === '"') {
      const { text, end } = readQuoted(qualified, i);
      parts.push(text);
      i = end;
    } else {
      let j = i;
      while (j < qualified.length && qualified[j] !== '.') j += 1;
      parts.push(qualified.slice(i, j));
      i = j;
    }
    if (qualified[i] === '.') i += 1;
  }
  return parts;
}

/** The last part of a qualified name, unquoted (what SHOW prints in `name`). */
export function baseName(qualified: string): string {
  const parts = nameParts(qualified);
  return parts[parts.length - 1] ?? qualified;
}

/** A single identifier as Snowflake stores it: unquoted upper-cased, quoted kept. */
export function identifierName(written: string): string {
  return written.startsWith('"') ? (nameParts(written)[0] ?? written) : written.toUpperCase();
}

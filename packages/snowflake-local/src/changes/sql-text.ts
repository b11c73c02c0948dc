/**
 * Small parsing helpers shared by the stream and task statements: a cursor over significant tokens
 * (no whitespace, no comments) of the engine's Snowflake tokenizer, so literals and quoted names are
 * never misread.
 */
import { tokenize } from '../engine/sql-tokenizer.js';
import type { Token } from '../engine/sql-tokenizer.js';
import { compilationError } from '../objects/snowflake-error.js';

/** A read position over one statement's significant tokens. */
export class TokenCursor {
  private i = 0;
  readonly tokens: readonly Token[];

  constructor(readonly sql: string) {
    this.tokens = tokenize(sql).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  next(): Token | undefined {
    const t = this.tokens[this.i];
    if (t) this.i++;
    return t;
  }

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  /** True (and consumes them) when the next tokens are these keywords, case-insensitively. */
  acceptWords(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) {
      const t = this.tokens[this.i + k];
      if (!t || t.kind !== 'word' || t.value.toUpperCase() !== words[k]) return false;
    }
    this.i += words.length;
    return true;
  }

  expectWords(...words: string[]): void {
    if (!this.acceptWords(...words)) throw this.error(`expected ${words.join(' ')}`);
  }

  acceptOp(op: string): boolean {
    const t = this.peek();
    if (t && t.kind === 'op' && t.text === op) {
      this.i++;
      return true;
    }
    return false;
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.error(`expected '${op}'`);
  }

  /** An object name as written (`s`, `db.sch.s`, `"Mixed"`), for `EngineContext.qualify`. */
  name(): string {
    const parts: string[] = [];
    do {
      const t = this.next();
      if (!t || (t.kind !== 'word' && t.kind !== 'qident')) throw this.error('expected an object name', t);
      parts.push(t.text);
    } while (this.acceptOp('.'));
    return parts.join('.');
  }

  /** A string literal's decoded value. */
  string(): string {
    const t = this.next();
    if (!t || t.kind !== 'string') throw this.error('expected a string literal', t);
    return t.value;
  }

  /** A word, number or literal value as text (for `NAME = value` options). */
  value(): string {
    const t = this.next();
    if (!t) throw this.error('expected a value');
    if (t.kind === 'op' && t.text === '-') {
      const n = this.next();
      if (!n || n.kind !== 'number') throw this.error('expected a number', n);
      return `-${n.text}`;
    }
    return t.kind === 'string' || t.kind === 'qident' ? t.value : t.text;
  }

  /** The source text from the current token to the end, as written. */
  rest(): string {
    const t = this.peek();
    return t ? this.sql.slice(t.pos).trim() : '';
  }

  /** Position in the source of the current token (or the end). */
  position(): number {
    return this.peek()?.pos ?? this.sql.length;
  }

  error(what: string, at: Token | undefined = this.peek()): Error {
    const near = at ? `'${at.text}'` : 'end of input';
    return compilationError(`syntax error: ${what}, found ${near}.`, '001003', '42000');
  }
}

/** Splits `DB.SCHEMA.NAME` (parts possibly quoted) into its parts, quotes removed. */
export function splitQualified(qualified: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < qualified.length; i++) {
    const c = qualified[i]!;
    if (c === '"') {
      if (quoted && qualified[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === '.' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** The last part of a qualified name (what SHOW prints in `name`). */
export function shortName(qualified: string): string {
  const parts = splitQualified(qualified);
  return parts[parts.length - 1] ?? qualified;
}

/** A Snowflake string literal for `text`. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A qualified name (`DB.SCHEMA.NAME`, parts as the engine resolved them) as quoted SQL. */
export function sqlName(qualified: string): string {
  return splitQualified(qualified)
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');
}

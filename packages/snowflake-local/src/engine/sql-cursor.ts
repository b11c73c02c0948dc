/** A cursor over the meaningful tokens of one statement, for the engine's own statement parsers. */
import { tokenize, type Token } from './sql-tokenizer.js';
import { syntaxError } from './sql-error.js';

/** A cursor over a statement's meaningful tokens. */
export class Cursor {
  readonly tokens: Token[];
  i = 0;
  constructor(readonly sql: string) {
    this.tokens = tokenize(sql).filter((t) => t.kind !== 'ws' && t.kind !== 'comment' && !(t.kind === 'op' && t.text === ';'));
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }
  /** The upper-cased word at the cursor ('' when not a word). */
  word(offset = 0): string {
    const t = this.peek(offset);
    return t?.kind === 'word' ? t.value.toUpperCase() : '';
  }
  /** Consumes the given words in order when they all match. */
  accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (this.word(k) !== words[k]) return false;
    this.i += words.length;
    return true;
  }
  expect(...words: string[]): void {
    if (!this.accept(...words)) throw syntaxError(`syntax error: expected ${words.join(' ')} near '${this.peek()?.text ?? 'end of statement'}'`);
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }
  /** A dotted name; unquoted parts upper-cased. */
  name(): string[] {
    const parts: string[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || (t.kind !== 'word' && t.kind !== 'qident')) break;
      parts.push(t.kind === 'word' ? t.value.toUpperCase() : t.value);
      this.i++;
      if (this.peek()?.text === '.') this.i++;
      else break;
    }
    if (parts.length === 0) throw syntaxError(`syntax error: expected an object name near '${this.peek()?.text ?? 'end of statement'}'`);
    return parts;
  }
  /** `KEY = value` option pairs until the end (values: literal text, word or parenthesised list). */
  options(): Map<string, string> {
    const out = new Map<string, string>();
    while (!this.done()) {
      const key = this.peek();
      if (!key || key.kind !== 'word') {
        this.i++;
        continue;
      }
      this.i++;
      if (this.peek()?.text !== '=') {
        out.set(key.value.toUpperCase(), '');
        continue;
      }
      this.i++;
      const v = this.peek();
      this.i++;
      out.set(key.value.toUpperCase(), v ? (v.kind === 'word' ? v.value.toUpperCase() : v.value) : '');
    }
    return out;
  }
}

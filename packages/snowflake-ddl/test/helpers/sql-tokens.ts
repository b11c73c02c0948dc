/**
 * A small tokenizer with Snowflake's quoting rules, used to prove that names and values stay inside
 * their quotes: `"..."` identifiers (`""` = one quote), `'...'` strings (`''` = one quote, `\x`
 * escapes x), `--` comments to end of line. Everything else is "bare" text.
 */
export type Token = { kind: 'ident' | 'string' | 'bare' | 'comment'; text: string; value: string };

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let bare = '';
  const flush = () => {
    if (bare.length > 0) out.push({ kind: 'bare', text: bare, value: bare });
    bare = '';
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      flush();
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out.push({ kind: 'comment', text: sql.slice(i, stop), value: sql.slice(i + 2, stop) });
      i = stop;
    } else if (ch === '"') {
      flush();
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated identifier at ${i}`);
        if (sql[j] === '"') {
          if (sql[j + 1] === '"') { value += '"'; j += 2; continue; }
          break;
        }
        value += sql[j]; j += 1;
      }
      out.push({ kind: 'ident', text: sql.slice(i, j + 1), value });
      i = j + 1;
    } else if (ch === "'") {
      flush();
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated string at ${i}`);
        const c = sql[j]!;
        if (c === '\\') { value += sql[j + 1] ?? ''; j += 2; continue; }
        if (c === "'") {
          if (sql[j + 1] === "'") { value += "'"; j += 2; continue; }
          break;
        }
        value += c; j += 1;
      }
      out.push({ kind: 'string', text: sql.slice(i, j + 1), value });
      i = j + 1;
    } else {
      bare += ch;
      i += 1;
    }
  }
  flush();
  return out;
}

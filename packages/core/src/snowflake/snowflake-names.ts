/** A row of a SHOW/DESC result. */
export type Row = Record<string, unknown>;

/** A column of a SHOW/DESC row: Snowflake names them in lower case; accept either case. */
export function fieldOf(row: Row, name: string): string | undefined {
  const v = row[name] ?? row[name.toLowerCase()] ?? row[name.toUpperCase()];
  return v === undefined || v === null ? undefined : String(v);
}

/**
 * `"DB"."S".NAME` → `['DB', 'S', 'NAME']`: quoted parts unquoted as written, unquoted parts
 * upper-cased (what Snowflake stores and SHOW prints).
 */
export function nameParts(name: string): string[] {
  const parts = name.match(/"(?:[^"]|"")*"|[^."]+/g) ?? [];
  return parts.map((p) => (p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toUpperCase()));
}

/** Same object? Compares the trailing parts both names give (SHOW may print `NAME` or `DB.S.NAME`). */
export function sameName(a: string, b: string): boolean {
  const pa = nameParts(a);
  const pb = nameParts(b);
  const n = Math.min(pa.length, pb.length);
  if (n === 0) return false;
  return pa.slice(-n).join('\u0000') === pb.slice(-n).join('\u0000');
}

/** ` IN SCHEMA "DB"."S"` for a three-part name, ` IN DATABASE "DB"` for two parts, else ``. */
export function showIn(qualified: string): string {
  const parts = nameParts(qualified);
  const q = (p: string) => `"${p.replace(/"/g, '""')}"`;
  if (parts.length >= 3) return ` IN SCHEMA ${parts.slice(0, -1).map(q).join('.')}`;
  if (parts.length === 2) return ` IN DATABASE ${q(parts[0] ?? '')}`;
  return '';
}

/** A Snowflake string literal (`'` and `\` doubled). */
export function stringLiteral(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

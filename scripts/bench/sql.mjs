// The SELECT floe's extractor sends for a table, rebuilt here so the floor pipelines make
// PostgreSQL do exactly the same rendering work (timestamps through to_char, etc.).
const quoteIdent = (name) => `"${name.replace(/"/g, '""')}"`;

function render(col, ref) {
  if (col.isArray) return `to_json(${ref})::text`;
  switch (col.baseType) {
    case 'timestamp':
      return `CASE WHEN isfinite(${ref}) THEN to_char(${ref}, 'YYYY-MM-DD HH24:MI:SS.US') ELSE ${ref}::text END`;
    case 'timestamptz':
      return `CASE WHEN isfinite(${ref}) THEN to_char(${ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00' ELSE ${ref}::text END`;
    case 'time':
      return `to_char(${ref}, 'HH24:MI:SS.US')`;
    case 'bytea':
      return `encode(${ref}, 'hex')`;
    case 'money':
      return `${ref}::numeric::text`;
    default:
      return ref;
  }
}

/** `SELECT <rendered columns> FROM <schema>.<name> AS q` for a SourceTable. */
export function floeSelect(table) {
  const cols = table.columns.map((c) => `${render(c, `q.${quoteIdent(c.name)}`)} AS ${quoteIdent(c.name)}`).join(', ');
  return `SELECT ${cols} FROM ${quoteIdent(table.schema)}.${quoteIdent(table.name)} AS q`;
}

/** The session settings floe pins, as PGOPTIONS for psql. */
export const PGOPTIONS = ['TimeZone=UTC', 'DateStyle=ISO,YMD', 'IntervalStyle=iso_8601', 'extra_float_digits=3', 'bytea_output=hex'].map((s) => `-c ${s}`).join(' ');

/** DuckDB column types for reading floe's CSV of a table back exactly (money as DECIMAL). */
export function duckColumns(table) {
  const map = { int2: 'SMALLINT', int4: 'INTEGER', int8: 'BIGINT', float4: 'FLOAT', float8: 'DOUBLE', bool: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP', timestamptz: 'TIMESTAMPTZ' };
  const entries = table.columns.map((c) => {
    const t = c.isArray ? 'VARCHAR' : c.baseType === 'numeric' && c.precision !== undefined && c.precision <= 38 ? `DECIMAL(${c.precision},${c.scale ?? 0})` : (map[c.baseType] ?? 'VARCHAR');
    return `'${c.name.replace(/'/g, "''")}': '${t}'`;
  });
  return `{${entries.join(', ')}}`;
}

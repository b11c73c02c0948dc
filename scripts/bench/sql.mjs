// The SELECT and session floe's extractor uses, taken from core's build so the floor pipelines make
// PostgreSQL do exactly the same rendering work (timestamps through to_char, etc.).
import { importDist } from './workspace.mjs';

const { renderColumn, POSTGRES_SESSION_SETTINGS } = await importDist('packages/core');
const quoteIdent = (name) => `"${name.replace(/"/g, '""')}"`;

/** `SELECT <rendered columns> FROM <schema>.<name> AS q` for a SourceTable. */
export function floeSelect(table) {
  const cols = table.columns.map((c) => `${renderColumn(c, `q.${quoteIdent(c.name)}`)} AS ${quoteIdent(c.name)}`).join(', ');
  return `SELECT ${cols} FROM ${quoteIdent(table.schema)}.${quoteIdent(table.name)} AS q`;
}

/** The session settings floe pins, as PGOPTIONS for psql. */
export const PGOPTIONS = POSTGRES_SESSION_SETTINGS.filter(([name]) => name !== 'client_encoding')
  .map(([name, value]) => `-c ${name}=${value.replace(/ /g, '')}`)
  .join(' ');

/** DuckDB column types for reading floe's CSV of a table back exactly (money as DECIMAL). */
export function duckColumns(table) {
  const map = { int2: 'SMALLINT', int4: 'INTEGER', int8: 'BIGINT', float4: 'FLOAT', float8: 'DOUBLE', bool: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP', timestamptz: 'TIMESTAMPTZ' };
  const entries = table.columns.map((c) => {
    const t = c.isArray ? 'VARCHAR' : c.baseType === 'numeric' && c.precision !== undefined && c.precision <= 38 ? `DECIMAL(${c.precision},${c.scale ?? 0})` : (map[c.baseType] ?? 'VARCHAR');
    return `'${c.name.replace(/'/g, "''")}': '${t}'`;
  });
  return `{${entries.join(', ')}}`;
}

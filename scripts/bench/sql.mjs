// The SELECT and session floe's extractor uses, taken from core's build so the floor pipelines make
// PostgreSQL do exactly the same rendering work (timestamps through to_char, the numeric checks, etc.).
import { importDist } from './workspace.mjs';

const core = await importDist('packages/core');
const { renderColumn, POSTGRES_SESSION_SETTINGS } = core;
const quoteIdent = (name) => `"${name.replace(/"/g, '""')}"`;

/**
 * Where the floor's select list comes from: core's own `renderSelectList` (the list the extractor
 * sends, checks included) when the build has it; before that, one `renderColumn` per column.
 */
export const floorSelectVia = typeof core.renderSelectList === 'function' ? 'renderSelectList' : 'renderColumn';

/**
 * `SELECT <floe's select list> FROM <schema>.<name> AS q` for a SourceTable. `serverVersion` is the
 * server's `server_version_num`, which picks the form of the numeric checks as the extractor does.
 */
export function floeSelect(table, serverVersion) {
  const cols =
    floorSelectVia === 'renderSelectList'
      ? core.renderSelectList(table.columns, 'q', serverVersion)
      : table.columns.map((c) => `${renderColumn(c, `q.${quoteIdent(c.name)}`)} AS ${quoteIdent(c.name)}`).join(', ');
  return `SELECT ${cols} FROM ${quoteIdent(table.schema)}.${quoteIdent(table.name)} AS q`;
}

/** The table with only `names`, in that order (what the extractor's `columns` option reads). */
export function narrowTable(table, names) {
  const columns = names.map((n) => {
    const c = table.columns.find((col) => col.name === n);
    if (c === undefined) throw new Error(`${table.schema}.${table.name} has no column ${n}`);
    return c;
  });
  return { ...table, columns };
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

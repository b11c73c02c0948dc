/**
 * SHOW DATABASES / SCHEMAS / TABLES / COLUMNS / WAREHOUSES / ROLES / USERS and DESC[RIBE] TABLE,
 * answered from DuckDB's catalog in Snowflake's column shapes.
 */
import type { ResultColumn, StatementResult } from './extension.js';
import type { Engine, Session } from './engine.js';
import type { Cursor } from './sql-cursor.js';
import { qualifyParts } from './sql-dialect.js';
import { SqlError } from './sql-error.js';
import { scaledToDecimal } from './wire-encode.js';
import { showGrants } from './grant-statements.js';

const text = (name: string): ResultColumn => ({ name, type: 'text', length: 16777216, nullable: true });
const ltz = (name: string): ResultColumn => ({ name, type: 'timestamp_ltz', precision: 0, scale: 9, nullable: true });
const num = (name: string): ResultColumn => ({ name, type: 'fixed', precision: 38, scale: 0, nullable: true });

function epoch(d: Date | undefined): string {
  return scaledToDecimal(BigInt((d ?? new Date(0)).getTime()) * 1_000_000n, 9);
}

/** Snowflake's `LIKE` in SHOW: case-insensitive, `%` and `_` wildcards. */
function likeMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  const re = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'is');
  return (name) => re.test(name);
}

/** Snowflake's type text for a column (declared text when known, else derived from DuckDB's type). */
export function snowflakeTypeText(declared: string | undefined, duckType: string): string {
  if (declared) {
    const m = declared.match(/^(\w+)(?:\((\d+)(?:,(\d+))?\))?$/);
    const base = m?.[1] ?? declared;
    const p = m?.[2];
    const s = m?.[3];
    switch (base) {
      case 'NUMBER': case 'DECIMAL': case 'NUMERIC': case 'DEC':
        return `NUMBER(${p ?? 38},${s ?? 0})`;
      case 'INT': case 'INTEGER': case 'BIGINT': case 'SMALLINT': case 'TINYINT': case 'BYTEINT':
        return 'NUMBER(38,0)';
      case 'VARCHAR': case 'STRING': case 'TEXT': case 'NVARCHAR': case 'NVARCHAR2': case 'CHARACTER': case 'CHAR': case 'NCHAR':
        return `VARCHAR(${p ?? (base.includes('CHAR') && base !== 'VARCHAR' && base !== 'NVARCHAR' && base !== 'NVARCHAR2' ? 1 : 16777216)})`;
      case 'FLOAT': case 'FLOAT4': case 'FLOAT8': case 'DOUBLE': case 'REAL':
        return 'FLOAT';
      case 'TIMESTAMP': case 'DATETIME': case 'TIMESTAMP_NTZ': case 'TIMESTAMPNTZ':
        return `TIMESTAMP_NTZ(${p ?? 9})`;
      case 'TIMESTAMP_LTZ': case 'TIMESTAMPLTZ':
        return `TIMESTAMP_LTZ(${p ?? 9})`;
      case 'TIMESTAMP_TZ': case 'TIMESTAMPTZ':
        return `TIMESTAMP_TZ(${p ?? 9})`;
      case 'TIME':
        return `TIME(${p ?? 9})`;
      case 'BINARY': case 'VARBINARY':
        return `BINARY(${p ?? 8388608})`;
      default:
        return base;
    }
  }
  const d = duckType.toUpperCase();
  const dec = d.match(/^DECIMAL\((\d+),\s*(\d+)\)$/);
  if (dec) return `NUMBER(${dec[1]},${dec[2]})`;
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w+INT)$/.test(d)) return 'NUMBER(38,0)';
  if (d === 'DOUBLE' || d === 'FLOAT') return 'FLOAT';
  if (d === 'VARCHAR') return 'VARCHAR(16777216)';
  if (d === 'JSON') return 'VARIANT';
  if (d === 'BLOB') return 'BINARY(8388608)';
  if (d.startsWith('TIMESTAMP WITH TIME ZONE')) return 'TIMESTAMP_LTZ(9)';
  if (d.startsWith('TIMESTAMP')) return 'TIMESTAMP_NTZ(9)';
  if (d === 'TIME') return 'TIME(9)';
  return d;
}

async function rows(session: Session, sql: string, params: string[] = []): Promise<unknown[][]> {
  const r = await session.duck.runAndReadAll(sql, params);
  return r.getRows() as unknown[][];
}

function result(kind: StatementResult['kind'], columns: ResultColumn[], data: (string | null)[][]): StatementResult {
  return { kind, columns, rows: data };
}

/** Reads `LIKE '...'` and `IN <scope> <name>` (in any order) from the cursor. */
function filters(c: Cursor): { like?: string; inKind?: string; inName?: string[] } {
  const out: { like?: string; inKind?: string; inName?: string[] } = {};
  while (!c.done()) {
    if (c.accept('LIKE')) {
      out.like = c.peek()?.value ?? '';
      c.i++;
    } else if (c.accept('IN')) {
      const w = c.word();
      if (['ACCOUNT', 'DATABASE', 'SCHEMA', 'TABLE', 'VIEW'].includes(w)) {
        c.i++;
        out.inKind = w;
      }
      if (!c.done() && (c.peek()?.kind === 'word' || c.peek()?.kind === 'qident')) out.inName = c.name();
    } else if (c.accept('STARTS', 'WITH') || c.accept('LIMIT') || c.accept('FROM')) {
      c.i++;
    } else c.i++;
  }
  return out;
}

export async function runShowStatement(engine: Engine, session: Session, c: Cursor): Promise<StatementResult | undefined> {
  if (c.accept('DESC') || c.accept('DESCRIBE')) {
    if (!(c.accept('TABLE') || c.accept('VIEW'))) {
      if (c.word() === '' || ['INTEGRATION', 'STAGE', 'PIPE', 'STREAM', 'TASK', 'FILE', 'STORAGE', 'USER', 'WAREHOUSE', 'DATABASE', 'SCHEMA', 'FUNCTION', 'PROCEDURE', 'RESULT'].includes(c.word())) return undefined;
    }
    return describeTable(engine, session, c.name());
  }
  c.expect('SHOW');
  c.accept('TERSE');
  const what = c.word();
  c.i++;
  // SHOW GRANTS has its own grammar (TO ROLE, OF ROLE, ON ...); the others share LIKE / IN.
  if (what === 'GRANTS') return showGrants(engine, session, c);
  const f = filters(c);
  const like = likeMatcher(f.like);
  const st = session.state;
  switch (what) {
    case 'DATABASES': {
      const dbs = (await engine.databases()).filter(like).sort();
      return result('show', ['created_on', 'name', 'is_default', 'is_current', 'origin', 'owner', 'comment', 'options', 'retention_time', 'kind'].map((n) => (n === 'created_on' ? ltz(n) : text(n))), dbs.map((d) => [epoch(engine.createdOn.get(d)), d, 'N', d === st.database ? 'Y' : 'N', '', 'ACCOUNTADMIN', '', '', '1', 'STANDARD']));
    }
    case 'SCHEMAS': {
      const db = f.inName?.[0] ?? (f.inKind === 'ACCOUNT' ? undefined : st.database);
      const data = await rows(session, `SELECT database_name, schema_name FROM duckdb_schemas() WHERE NOT internal AND schema_name NOT IN ('main', 'pg_catalog', 'information_schema') AND database_name NOT IN ('memory', 'temp', 'system') ${db ? 'AND database_name = $1' : ''} ORDER BY 1, 2`, db ? [db] : []);
      const out = data.filter((r) => like(String(r[1]))).map((r) => [epoch(engine.createdOn.get(`${r[0]}.${r[1]}`) ?? engine.createdOn.get(String(r[0]))), String(r[1]), 'N', String(r[0]) === st.database && String(r[1]) === st.schema ? 'Y' : 'N', String(r[0]), 'ACCOUNTADMIN', '', '', '1']);
      return result('show', ['created_on', 'name', 'is_default', 'is_current', 'database_name', 'owner', 'comment', 'options', 'retention_time'].map((n) => (n === 'created_on' ? ltz(n) : text(n))), out);
    }
    case 'TABLES':
    case 'VIEWS':
    case 'OBJECTS': {
      const scope = scopeOf(f, st.database, st.schema);
      const fn = what === 'VIEWS' ? `SELECT database_name, schema_name, view_name, 0 AS estimated_size FROM duckdb_views() WHERE NOT internal` : `SELECT database_name, schema_name, table_name, estimated_size FROM duckdb_tables() WHERE NOT internal`;
      const data = await rows(session, `${fn} ${scope.db ? `AND database_name = '${scope.db.replace(/'/g, "''")}'` : ''} ${scope.schema ? `AND schema_name = '${scope.schema.replace(/'/g, "''")}'` : ''} ORDER BY 3`);
      const out = data.filter((r) => like(String(r[2]))).map((r) => [epoch(engine.createdOn.get(`${r[0]}.${r[1]}.${r[2]}`)), String(r[2]), String(r[0]), String(r[1]), what === 'VIEWS' ? 'VIEW' : 'TABLE', '', '', String(r[3] ?? 0), '0', 'ACCOUNTADMIN', '1', 'OFF', 'OFF']);
      const cols = [ltz('created_on'), text('name'), text('database_name'), text('schema_name'), text('kind'), text('comment'), text('cluster_by'), num('rows'), num('bytes'), text('owner'), text('retention_time'), text('automatic_clustering'), text('change_tracking')];
      return result('show', cols, out);
    }
    case 'COLUMNS': {
      const scope = scopeOf(f, st.database, st.schema);
      const where: string[] = ['NOT internal'];
      const params: string[] = [];
      if (scope.db) where.push(`database_name = $${params.push(scope.db)}`);
      if (scope.schema) where.push(`schema_name = $${params.push(scope.schema)}`);
      if (scope.table) where.push(`table_name = $${params.push(scope.table)}`);
      const data = await rows(session, `SELECT database_name, schema_name, table_name, column_name, data_type, is_nullable, column_default FROM duckdb_columns() WHERE ${where.join(' AND ')} ORDER BY database_name, schema_name, table_name, column_index`, params);
      const out = data.filter((r) => like(String(r[3]))).map((r) => {
        const declared = engine.declaredTypes.get(`${r[0]}.${r[1]}.${r[2]}`)?.get(String(r[3]));
        const sf = snowflakeTypeText(declared, String(r[4]));
        return [String(r[2]), String(r[1]), String(r[3]), JSON.stringify(dataTypeJson(sf, r[5] === true)), r[5] === true ? 'true' : 'false', r[6] === null ? '' : String(r[6]), 'COLUMN', '', '', String(r[0]), ''];
      });
      return result('show', ['table_name', 'schema_name', 'column_name', 'data_type', 'null?', 'default', 'kind', 'expression', 'comment', 'database_name', 'autoincrement'].map(text), out);
    }
    case 'WAREHOUSES':
      return result('show', [text('name'), text('state'), text('type'), text('size')], [...engine.registry.warehouses].filter(like).map((w) => [w, 'STARTED', 'STANDARD', 'X-Small']));
    case 'ROLES':
      return result('show', [ltz('created_on'), text('name'), text('is_default'), text('is_current')], [...engine.registry.roles].filter(like).map((r) => [epoch(undefined), r, 'N', r === st.role ? 'Y' : 'N']));
    case 'USERS':
      return result('show', [text('name'), text('login_name'), text('default_role'), text('has_password'), text('has_rsa_public_key')], [...engine.registry.users.values()].filter((u) => like(u.name)).map((u) => [u.name, u.name, u.defaultRole, u.password ? 'true' : 'false', u.rsaPublicKeys.some(Boolean) ? 'true' : 'false']));
    default:
      return undefined;
  }
}

function scopeOf(f: { inKind?: string; inName?: string[] }, database: string, schema: string): { db?: string; schema?: string; table?: string } {
  const n = f.inName ?? [];
  switch (f.inKind) {
    case 'ACCOUNT':
      return {};
    case 'DATABASE':
      return { db: n[0] ?? database };
    case 'TABLE':
    case 'VIEW': {
      const [db, s, t] = qualifyParts(n, database, schema).split('.');
      return { db: db!, schema: s!, table: t! };
    }
    case 'SCHEMA':
    default:
      if (n.length === 0) return f.inKind === 'SCHEMA' || database ? { db: database, ...(schema ? { schema } : {}) } : {};
      if (n.length === 1) return { db: database, schema: n[0]! };
      return { db: n[0]!, schema: n[1]! };
  }
}

function dataTypeJson(sf: string, nullable: boolean): Record<string, unknown> {
  const m = sf.match(/^(\w+)(?:\((\d+)(?:,(\d+))?\))?$/);
  const base = m?.[1] ?? sf;
  const p = m?.[2] !== undefined ? Number(m[2]) : undefined;
  const s = m?.[3] !== undefined ? Number(m[3]) : undefined;
  switch (base) {
    case 'NUMBER':
      return { type: 'FIXED', precision: p, scale: s, nullable };
    case 'VARCHAR':
      return { type: 'TEXT', length: p, byteLength: (p ?? 0) * 4 > 16777216 ? 16777216 : (p ?? 0) * 4, nullable, fixed: false };
    case 'FLOAT':
      return { type: 'REAL', nullable };
    default:
      return { type: base, ...(p !== undefined ? { precision: 0, scale: p } : {}), nullable };
  }
}

async function describeTable(engine: Engine, session: Session, parts: string[]): Promise<StatementResult> {
  const qualified = qualifyParts(parts, session.state.database, session.state.schema);
  const [db, schema, table] = qualified.split('.') as [string, string, string];
  const data = await rows(session, `SELECT column_name, data_type, is_nullable, column_default FROM duckdb_columns() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 ORDER BY column_index`, [db, schema, table]);
  if (data.length === 0) throw new SqlError(`SQL compilation error:\nTable '${qualified}' does not exist or not authorized.`, '002003', '42S02');
  const pk = await rows(session, `SELECT constraint_column_names FROM duckdb_constraints() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 AND constraint_type = 'PRIMARY KEY'`, [db, schema, table]);
  const pkCols = new Set<string>((pk[0]?.[0] as { items?: unknown[] } | undefined)?.items?.map(String) ?? []);
  const declared = engine.declaredTypes.get(qualified);
  const cols = ['name', 'type', 'kind', 'null?', 'default', 'primary key', 'unique key', 'check', 'expression', 'comment', 'policy name', 'privacy domain'].map(text);
  return result('describe', cols, data.map((r) => {
    const name = String(r[0]);
    return [name, snowflakeTypeText(declared?.get(name), String(r[1])), 'COLUMN', r[2] === true ? 'Y' : 'N', r[3] === null ? null : String(r[3]), pkCols.has(name) ? 'Y' : 'N', 'N', null, null, null, null, null];
  }));
}

/**
 * GRANT / REVOKE and SHOW GRANTS. Grants are recorded, never enforced; SHOW GRANTS lists them in
 * Snowflake's shape (one row per privilege) plus a `statement` column holding the GRANT as written.
 */
import type { ResultColumn, StatementResult } from './extension.js';
import type { Engine, Session } from './engine.js';
import { statusResult } from './engine.js';
import type { Cursor } from './sql-cursor.js';
import { qualifyParts } from './sql-dialect.js';
import { syntaxError } from './sql-error.js';
import { scaledToDecimal } from './wire-encode.js';

/** One privilege held by a role, or one role held by a user or role. */
export interface GrantRecord {
  readonly createdOn: Date;
  readonly privilege: string;
  /** ACCOUNT, DATABASE, SCHEMA, TABLE, INTEGRATION, FILE_FORMAT, ROLE... */
  readonly grantedOn: string;
  readonly name: string;
  readonly grantedTo: 'ROLE' | 'USER';
  readonly grantee: string;
  readonly grantedBy: string;
  readonly statement: string;
}

/** Object kinds whose names live in a schema (qualified DB.SCHEMA.NAME in SHOW GRANTS). */
const SCHEMA_OBJECTS = new Set(['TABLE', 'VIEW', 'STAGE', 'FILE_FORMAT', 'PIPE', 'TASK', 'STREAM', 'SEQUENCE', 'FUNCTION', 'PROCEDURE']);

function objectKind(words: string[]): string {
  const joined = words.join(' ');
  if (joined === 'STORAGE INTEGRATION' || joined === 'INTEGRATION') return 'INTEGRATION';
  return joined.replace(/ /g, '_');
}

/** Runs GRANT or REVOKE: records (or removes) one row per privilege. */
export function grantStatement(engine: Engine, session: Session, c: Cursor): StatementResult {
  const revoke = c.word() === 'REVOKE';
  c.i++;
  const role = session.state.role;
  const records: GrantRecord[] = [];
  const now = engine.clock.now();
  // GRANT ROLE r TO USER u | TO ROLE r2
  if (c.word() === 'ROLE') {
    c.i++;
    const granted = c.name().join('.');
    if (!(c.accept('TO') || c.accept('FROM'))) throw syntaxError(`syntax error: expected TO after GRANT ROLE ${granted}`);
    const to = granteeKind(c);
    const grantee = c.name().join('.');
    records.push({ createdOn: now, privilege: 'USAGE', grantedOn: 'ROLE', name: granted, grantedTo: to, grantee, grantedBy: role, statement: c.sql });
  } else {
    const privileges: string[] = [];
    let current: string[] = [];
    while (!c.done() && c.word() !== 'ON') {
      const t = c.peek()!;
      c.i++;
      if (t.text === ',') {
        privileges.push(current.join(' '));
        current = [];
      } else current.push(t.kind === 'word' ? t.value.toUpperCase() : t.text);
    }
    if (current.length > 0) privileges.push(current.join(' '));
    if (!c.accept('ON') || privileges.length === 0) throw syntaxError(`syntax error: expected privileges ON object in '${c.sql}'`);
    let grantedOn: string;
    let name: string;
    if (c.accept('ACCOUNT')) {
      grantedOn = 'ACCOUNT';
      name = engine.account;
    } else if (c.word() === 'ALL' || c.word() === 'FUTURE') {
      const scope = c.word();
      c.i++;
      const kindWords: string[] = [];
      while (!c.done() && c.word() !== 'IN') {
        kindWords.push(c.peek()!.value.toUpperCase());
        c.i++;
      }
      c.expect('IN');
      const container = c.word();
      c.i++;
      const parts = c.name();
      grantedOn = objectKind(kindWords).replace(/S$/, '');
      const containerName = container === 'SCHEMA' && parts.length === 1 ? `${session.state.database}.${parts[0]}` : parts.join('.');
      name = `${scope} IN ${container} ${containerName}`;
    } else {
      const kindWords: string[] = [];
      while (!c.done() && c.peek()?.kind === 'word' && ['DATABASE', 'SCHEMA', 'TABLE', 'VIEW', 'WAREHOUSE', 'INTEGRATION', 'STORAGE', 'STAGE', 'FILE', 'FORMAT', 'PIPE', 'TASK', 'STREAM', 'SEQUENCE', 'ROLE', 'USER'].includes(c.word())) {
        kindWords.push(c.word());
        c.i++;
      }
      grantedOn = objectKind(kindWords);
      const parts = c.name();
      if (SCHEMA_OBJECTS.has(grantedOn)) name = qualifyParts(parts, session.state.database, session.state.schema);
      else if (grantedOn === 'SCHEMA') name = parts.length === 2 ? parts.join('.') : `${session.state.database}.${parts[0]}`;
      else name = parts.join('.');
    }
    if (!(c.accept('TO') || c.accept('FROM'))) throw syntaxError(`syntax error: expected TO ROLE in '${c.sql}'`);
    const to = granteeKind(c);
    const grantee = c.name().join('.');
    for (const privilege of privileges) records.push({ createdOn: now, privilege, grantedOn, name, grantedTo: to, grantee, grantedBy: role, statement: c.sql });
  }
  const list = engine.registry.grants;
  for (const r of records) {
    const same = (g: GrantRecord): boolean => g.grantedTo === r.grantedTo && g.grantee === r.grantee && g.grantedOn === r.grantedOn && g.name === r.name && (r.privilege === 'ALL' || r.privilege === 'ALL PRIVILEGES' || g.privilege === r.privilege);
    for (let k = list.length - 1; k >= 0; k--) if (same(list[k]!)) list.splice(k, 1);
    if (!revoke) list.push(r);
  }
  return statusResult('ddl', 'Statement executed successfully.');
}

/** `USER u` or `[ROLE] r` after TO/FROM. */
function granteeKind(c: Cursor): 'USER' | 'ROLE' {
  if (c.accept('USER')) return 'USER';
  c.accept('ROLE');
  return 'ROLE';
}

const text = (name: string): ResultColumn => ({ name, type: 'text', length: 16777216, nullable: true });
const ltz = (name: string): ResultColumn => ({ name, type: 'timestamp_ltz', precision: 0, scale: 9, nullable: true });
const epoch = (d: Date): string => scaledToDecimal(BigInt(d.getTime()) * 1_000_000n, 9);

/** SHOW GRANTS [TO ROLE r | TO USER u | OF ROLE r | ON <kind> <name> | ON ACCOUNT] (the cursor is after GRANTS). */
export function showGrants(engine: Engine, session: Session, c: Cursor): StatementResult {
  const all = engine.registry.grants;
  if (c.accept('TO', 'USER')) {
    const user = c.name().join('.');
    const rows = all.filter((g) => g.grantedTo === 'USER' && g.grantee === user && g.grantedOn === 'ROLE');
    return { kind: 'show', columns: [ltz('created_on'), text('role'), text('granted_to'), text('grantee_name'), text('granted_by'), text('statement')], rows: rows.map((g) => [epoch(g.createdOn), g.name, 'USER', g.grantee, g.grantedBy, g.statement]) };
  }
  let rows: GrantRecord[] = all;
  if (c.accept('TO', 'ROLE')) {
    const role = c.name().join('.');
    rows = all.filter((g) => g.grantedTo === 'ROLE' && g.grantee === role);
  } else if (c.accept('OF', 'ROLE')) {
    const role = c.name().join('.');
    rows = all.filter((g) => g.grantedOn === 'ROLE' && g.name === role);
  } else if (c.accept('ON')) {
    if (c.accept('ACCOUNT')) rows = all.filter((g) => g.grantedOn === 'ACCOUNT');
    else {
      const kindWords: string[] = [];
      while (!c.done() && c.peek()?.kind === 'word' && c.peek(1) !== undefined && c.peek(1)?.text !== '.') {
        kindWords.push(c.word());
        c.i++;
      }
      const kind = objectKind(kindWords);
      const parts = c.name();
      const name = SCHEMA_OBJECTS.has(kind) ? qualifyParts(parts, session.state.database, session.state.schema) : parts.join('.');
      rows = all.filter((g) => g.grantedOn === kind && g.name === name);
    }
  }
  const columns = ['created_on', 'privilege', 'granted_on', 'name', 'granted_to', 'grantee_name', 'grant_option', 'granted_by', 'statement'].map((n) => (n === 'created_on' ? ltz(n) : text(n)));
  return { kind: 'show', columns, rows: rows.map((g) => [epoch(g.createdOn), g.privilege, g.grantedOn, g.name, g.grantedTo, g.grantee, 'false', g.grantedBy, g.statement]) };
}

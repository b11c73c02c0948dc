/**
 * Statements the engine answers itself (sessions, databases and schemas, account objects,
 * transactions, CREATE/ALTER/DROP TABLE bookkeeping), before anything reaches DuckDB.
 */
import type { EngineContext, StatementResult } from './extension.js';
import type { Engine, Session } from './engine.js';
import { statusResult } from './engine.js';
import { Cursor } from './sql-cursor.js';
import { qualifyParts, sqlIdent } from './sql-dialect.js';
import { alterTable, createTable, tableExists } from './table-statements.js';
import { missingObject, notSupported, SqlError, syntaxError } from './sql-error.js';
import { publicKeyDer } from './account-registry.js';
import { runShowStatement } from './show-statements.js';
import { grantStatement } from './grant-statements.js';

/** Snowflake's status for statements without a specific message. */
export function ok(kind: StatementResult['kind'] = 'ddl'): StatementResult {
  return statusResult(kind, 'Statement executed successfully.');
}

/** Runs the statement when it is one of the engine's own; undefined passes it on to DuckDB. */
export async function runBuiltinStatement(engine: Engine, session: Session, ctx: EngineContext, sql: string): Promise<StatementResult | undefined> {
  const c = new Cursor(sql);
  const w0 = c.word();
  switch (w0) {
    case 'USE':
      return useStatement(engine, session, c);
    case 'BEGIN':
    case 'START':
    case 'COMMIT':
    case 'ROLLBACK':
      return transactionStatement(engine, session, ctx, c);
    case 'ALTER':
      if (c.word(1) === 'SESSION') return alterSession(session, c);
      if (c.word(1) === 'USER') return alterUser(engine, c);
      if (c.word(1) === 'WAREHOUSE' || c.word(1) === 'ROLE') return ok();
      if (c.word(1) === 'TABLE') return alterTable(engine, session, ctx, c);
      return undefined;
    case 'SHOW':
    case 'DESC':
    case 'DESCRIBE':
      return runShowStatement(engine, session, c);
    case 'GRANT':
    case 'REVOKE':
      return grantStatement(engine, session, c);
    case 'CREATE':
      return createStatement(engine, session, ctx, c);
    case 'DROP':
      return dropStatement(engine, session, ctx, c);
    default:
      return undefined;
  }
}

async function useStatement(engine: Engine, session: Session, c: Cursor): Promise<StatementResult> {
  c.expect('USE');
  const what = c.accept('DATABASE') ? 'DATABASE' : c.accept('SCHEMA') ? 'SCHEMA' : c.accept('WAREHOUSE') ? 'WAREHOUSE' : c.accept('ROLE') ? 'ROLE' : c.accept('SECONDARY', 'ROLES') ? 'SECONDARY' : 'DATABASE';
  if (what === 'SECONDARY') return ok('use');
  const parts = c.name();
  if (what === 'WAREHOUSE') {
    session.state.warehouse = parts.join('.');
    return ok('use');
  }
  if (what === 'ROLE') {
    const role = parts.join('.');
    if (!engine.registry.roles.has(role)) throw new SqlError(`SQL compilation error:\nRole '${role}' does not exist or not authorized.`, '002003', '02000');
    session.state.role = role;
    return ok('use');
  }
  if (what === 'DATABASE') {
    const db = parts[0]!;
    const schema = (await engine.schemaExists(db, 'PUBLIC')) ? 'PUBLIC' : '';
    if (schema) await engine.useSchema(session, db, schema);
    else {
      if (!(await engine.databaseExists(db))) throw new SqlError(`SQL compilation error:\nDatabase '${db}' does not exist or not authorized.`, '002043', '02000');
      await session.duck.run(`USE ${sqlIdent(db)}`);
      session.state.database = db;
      session.state.schema = '';
    }
    return ok('use');
  }
  const [db, schema] = parts.length === 2 ? [parts[0]!, parts[1]!] : [session.state.database, parts[0]!];
  await engine.useSchema(session, db, schema);
  return ok('use');
}

async function transactionStatement(engine: Engine, session: Session, ctx: EngineContext, c: Cursor): Promise<StatementResult> {
  const w = c.word();
  if (w === 'BEGIN' || w === 'START') {
    if (!session.state.inTransaction) {
      await session.duck.run('BEGIN TRANSACTION');
      session.state.inTransaction = true;
    }
    return ok('transaction');
  }
  const committed = w === 'COMMIT';
  if (session.state.inTransaction && session.transactionAborted) {
    session.state.inTransaction = false;
    session.transactionAborted = false;
    await session.duck.run('ROLLBACK').catch(() => undefined);
    await engine.transactionEnd(ctx, false);
    if (committed) {
      throw new SqlError('Transaction rolled back, not committed: a statement in it failed. Snowflake would have kept the other statements; the local Snowflake endpoint (DuckDB) cannot, so it fails loudly instead.', '000603', '40000');
    }
    return ok('transaction');
  }
  if (session.state.inTransaction) {
    session.state.inTransaction = false;
    try {
      await session.duck.run(committed ? 'COMMIT' : 'ROLLBACK');
    } catch (e) {
      await engine.transactionEnd(ctx, false);
      throw e;
    }
    await engine.transactionEnd(ctx, committed);
  }
  return ok('transaction');
}

function alterSession(session: Session, c: Cursor): StatementResult {
  c.expect('ALTER', 'SESSION');
  if (c.accept('SET')) {
    while (!c.done()) {
      const key = c.peek();
      if (!key || key.kind !== 'word') throw syntaxError(`syntax error near '${key?.text ?? 'end of statement'}'`);
      c.i++;
      if (c.peek()?.text !== '=') throw syntaxError(`syntax error: expected '=' after ${key.value}`);
      c.i++;
      const v = c.peek();
      if (!v) throw syntaxError(`syntax error: missing value for ${key.value}`);
      c.i++;
      const name = key.value.toUpperCase();
      const value = v.kind === 'word' ? v.value.toUpperCase() : v.value;
      if (name === 'TIMEZONE') validateTimezone(value);
      session.parameters[name] = value;
      if (c.peek()?.text === ',') c.i++;
    }
  } else if (c.accept('UNSET')) {
    while (!c.done()) {
      const t = c.peek()!;
      c.i++;
      if (t.kind === 'word') delete session.parameters[t.value.toUpperCase()];
    }
  } else throw syntaxError('syntax error: expected SET or UNSET after ALTER SESSION');
  return ok('alter');
}

function validateTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new SqlError(`invalid value [${tz}] for parameter 'TIMEZONE'`, '002037', '22023');
  }
}

function alterUser(engine: Engine, c: Cursor): StatementResult {
  c.expect('ALTER', 'USER');
  const ifExists = c.accept('IF', 'EXISTS');
  const name = c.name().join('.');
  const user = engine.registry.user(name);
  if (!user) {
    if (ifExists) return ok('alter');
    throw missingObject('User', name);
  }
  if (c.accept('ADD', 'PROGRAMMATIC', 'ACCESS', 'TOKEN') || c.accept('ADD', 'PAT')) {
    const tokenName = c.name().join('.');
    const opts = c.options();
    const days = Number(opts.get('DAYS_TO_EXPIRY') ?? '15');
    const role = opts.get('ROLE_RESTRICTION');
    const secret = engine.registry.addToken(user.name, tokenName, days, role);
    return {
      kind: 'alter',
      columns: [
        { name: 'token_name', type: 'text', length: 16777216, nullable: false },
        { name: 'token_secret', type: 'text', length: 16777216, nullable: false },
      ],
      rows: [[tokenName.toUpperCase(), secret]],
    };
  }
  if (c.accept('REMOVE', 'PROGRAMMATIC', 'ACCESS', 'TOKEN') || c.accept('REMOVE', 'PAT')) {
    user.tokens.delete(c.name().join('.'));
    return ok('alter');
  }
  if (c.accept('SET')) {
    const opts = c.options();
    for (const [k, v] of opts) {
      if (k === 'RSA_PUBLIC_KEY') user.rsaPublicKeys[0] = publicKeyDer(v);
      else if (k === 'RSA_PUBLIC_KEY_2') user.rsaPublicKeys[1] = publicKeyDer(v);
      else if (k === 'PASSWORD') user.password = v;
      else if (k === 'DEFAULT_ROLE') user.defaultRole = v;
    }
    return ok('alter');
  }
  if (c.accept('UNSET')) {
    while (!c.done()) {
      const k = c.word();
      c.i++;
      if (k === 'RSA_PUBLIC_KEY') user.rsaPublicKeys[0] = '';
      else if (k === 'RSA_PUBLIC_KEY_2') user.rsaPublicKeys[1] = '';
      else if (k === 'PASSWORD') delete user.password;
    }
    return ok('alter');
  }
  throw notSupported(c.sql);
}

async function createStatement(engine: Engine, session: Session, ctx: EngineContext, c: Cursor): Promise<StatementResult | undefined> {
  c.expect('CREATE');
  const orReplace = c.accept('OR', 'REPLACE');
  const kind = c.word();
  c.accept('TRANSIENT');
  c.accept('TEMPORARY') || c.accept('TEMP');
  if (c.accept('DATABASE')) {
    const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
    const name = c.name()[0]!;
    const created = await engine.createDatabase(name, orReplace);
    if (!created) {
      if (ifNotExists) return statusResult('ddl', `${name} already exists, statement succeeded.`);
      throw new SqlError(`SQL compilation error:\nObject '${name}' already exists.`, '002002', '42710');
    }
    // Snowflake makes the new database (and its PUBLIC schema) current.
    await engine.useSchema(session, name, 'PUBLIC');
    return statusResult('ddl', `Database ${name} successfully created.`);
  }
  if (c.accept('SCHEMA')) {
    const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
    const parts = c.name();
    const [db, schema] = parts.length === 2 ? [parts[0]!, parts[1]!] : [session.state.database, parts[0]!];
    if (!db) throw new SqlError('SQL compilation error:\nCannot perform CREATE SCHEMA. This session does not have a current database. Call \'USE DATABASE\', or use a qualified name.', '090105', '22000');
    if (!(await engine.databaseExists(db))) throw new SqlError(`SQL compilation error:\nDatabase '${db}' does not exist or not authorized.`, '002003', '02000');
    const exists = await engine.schemaExists(db, schema);
    if (exists && !orReplace) {
      if (ifNotExists) return statusResult('ddl', `${schema} already exists, statement succeeded.`);
      throw new SqlError(`SQL compilation error:\nObject '${schema}' already exists.`, '002002', '42710');
    }
    if (exists) await session.duck.run(`DROP SCHEMA ${sqlIdent(db)}.${sqlIdent(schema)} CASCADE`);
    await session.duck.run(`CREATE SCHEMA ${sqlIdent(db)}.${sqlIdent(schema)}`);
    engine.createdOn.set(`${db}.${schema}`, engine.clock.now());
    await engine.useSchema(session, db, schema);
    return statusResult('ddl', `Schema ${schema} successfully created.`);
  }
  for (const [word, label] of [['ROLE', 'Role'], ['WAREHOUSE', 'Warehouse'], ['USER', 'User']] as const) {
    if (c.accept(word)) {
      const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
      const name = c.name().join('.');
      const opts = c.options();
      const set = word === 'ROLE' ? engine.registry.roles : word === 'WAREHOUSE' ? engine.registry.warehouses : undefined;
      const exists = set ? set.has(name) : engine.registry.user(name) !== undefined;
      if (exists && !orReplace) {
        if (ifNotExists) return statusResult('ddl', `${name} already exists, statement succeeded.`);
        throw new SqlError(`SQL compilation error:\nObject '${name}' already exists.`, '002002', '42710');
      }
      if (set) set.add(name);
      else {
        const pem = opts.get('RSA_PUBLIC_KEY');
        engine.registry.addUser({
          name,
          ...(opts.get('PASSWORD') !== undefined ? { password: opts.get('PASSWORD')! } : {}),
          ...(pem ? { rsaPublicKeyPem: pem } : {}),
          ...(opts.get('DEFAULT_ROLE') ? { role: opts.get('DEFAULT_ROLE')! } : {}),
        });
      }
      if (word === 'WAREHOUSE') session.state.warehouse = name;
      return statusResult('ddl', `${label} ${name} successfully created.`);
    }
  }
  if (c.accept('TABLE')) return createTable(engine, session, ctx, c, orReplace);
  void kind;
  return undefined;
}

async function dropStatement(engine: Engine, session: Session, ctx: EngineContext, c: Cursor): Promise<StatementResult | undefined> {
  c.expect('DROP');
  void ctx;
  const what = c.word();
  if (!['DATABASE', 'SCHEMA', 'TABLE', 'ROLE', 'WAREHOUSE', 'USER'].includes(what)) return undefined;
  c.i++;
  const ifExists = c.accept('IF', 'EXISTS');
  const parts = c.name();
  const shown = parts[parts.length - 1]!;
  const gone = (): StatementResult => statusResult('ddl', `Drop statement executed successfully (${shown} already dropped).`);
  const dropped = (): StatementResult => statusResult('ddl', `${shown} successfully dropped.`);
  switch (what) {
    case 'DATABASE': {
      if (!(await engine.databaseExists(parts[0]!))) {
        if (ifExists) return gone();
        throw missingObject('Database', parts[0]!);
      }
      await engine.dropDatabase(parts[0]!);
      if (session.state.database === parts[0]) {
        session.state.database = '';
        session.state.schema = '';
      }
      return dropped();
    }
    case 'SCHEMA': {
      const [db, schema] = parts.length === 2 ? [parts[0]!, parts[1]!] : [session.state.database, parts[0]!];
      if (!(await engine.schemaExists(db, schema))) {
        if (ifExists) return gone();
        throw missingObject('Schema', `${db}.${schema}`);
      }
      await session.duck.run(`DROP SCHEMA ${sqlIdent(db)}.${sqlIdent(schema)} CASCADE`);
      if (session.state.database === db && session.state.schema === schema) session.state.schema = '';
      return dropped();
    }
    case 'TABLE': {
      const qualified = qualifyParts(parts, session.state.database, session.state.schema);
      if (!(await tableExists(session, qualified))) {
        if (ifExists) return gone();
        throw new SqlError(`SQL compilation error:\nTable '${qualified}' does not exist or not authorized.`, '002003', '42S02');
      }
      const [db, schema, name] = qualified.split('.');
      await session.duck.run(`DROP TABLE ${sqlIdent(db!)}.${sqlIdent(schema!)}.${sqlIdent(name!)}`);
      engine.declaredTypes.delete(qualified);
      return dropped();
    }
    default: {
      const name = parts.join('.');
      const reg = engine.registry;
      const existed = what === 'ROLE' ? reg.roles.delete(name) : what === 'WAREHOUSE' ? reg.warehouses.delete(name) : reg.users.delete(name);
      if (!existed && !ifExists) throw missingObject(what[0] + what.slice(1).toLowerCase(), name);
      return existed ? dropped() : gone();
    }
  }
}

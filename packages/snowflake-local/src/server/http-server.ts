/**
 * The snowflake-sdk protocol over node:http: login, queries (sync, in progress, async,
 * multi-statement), result polling, monitoring, session renewal and deletion. Every answer is
 * HTTP 200 with a JSON envelope `{data, code, message, success}`; errors live in the body, since
 * the driver retries 5xx for seconds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Engine, Session, WireBind } from '../engine/engine.js';
import type { StatementKind, StatementResult } from '../engine/extension.js';
import { isSnowflakeShaped } from '../engine/sql-error.js';
import { splitStatements } from '../engine/sql-tokenizer.js';
import { authenticate, isFailure, type LoginBody } from './login-auth.js';

type Envelope = { data: unknown; code: string | null; message: string | null; success: boolean; headers?: null };

interface QueryRecord {
  readonly id: string;
  readonly sessionId: string;
  readonly sqlText: string;
  readonly startTime: number;
  status: 'RUNNING' | 'SUCCESS' | 'FAILED_WITH_ERROR';
  endTime?: number;
  envelope?: Envelope;
  done: Promise<void>;
}

interface TokenEntry {
  readonly sessionId: string;
  expiresAt: number;
}

export interface ProtocolServerOptions {
  readonly engine: Engine;
  readonly port?: number;
  /** Minimum time a query takes before its answer is given, to exercise the in-progress (333333) path. */
  readonly slowMs?: number;
  /** Local control routes (`/_local/...`); answer undefined for an unknown route. */
  readonly control?: (method: string, path: string, body: unknown) => Promise<unknown> | undefined;
  readonly sessionValiditySeconds?: number;
}

const STATEMENT_TYPE: Record<StatementKind, number> = {
  query: 0x1000,
  insert: 0x3100,
  update: 0x3200,
  delete: 0x3300,
  merge: 0x3400,
  copy: 0x6100,
  ddl: 0x6000,
  transaction: 0x5000,
  use: 0x4100,
  show: 0x1000,
  describe: 0x1000,
  alter: 0x4200,
  call: 0x1000,
};

/** Results kept for `/queries/<id>/result` and monitoring. */
const MAX_KEPT_QUERIES = 5000;

/** How long the server holds a poll before answering "still running" (the driver polls at once again). */
const POLL_HOLD_MS = 500;

export class ProtocolServer {
  private readonly server: Server;
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly masterTokens = new Map<string, TokenEntry>();
  private readonly queries = new Map<string, QueryRecord>();
  private readonly validity: number;

  constructor(private readonly opts: ProtocolServerOptions) {
    this.validity = opts.sessionValiditySeconds ?? 3600;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        send(res, { data: { internalError: true }, code: '000603', message: e instanceof Error ? e.message : String(e), success: false });
      });
    });
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Makes every current session token expired (the driver then renews through /session/token-request). */
  expireSessionTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    if (path.startsWith('/_local/') && this.opts.control) {
      try {
        const out = await this.opts.control(method, path, body);
        if (out === undefined) return send(res, { data: null, code: '404', message: `unknown local route ${method} ${path}`, success: false });
        return send(res, { data: out ?? null, code: null, message: null, success: true });
      } catch (e) {
        return send(res, { data: null, code: '000603', message: e instanceof Error ? e.message : String(e), success: false });
      }
    }
    if (method === 'POST' && path === '/session/v1/login-request') return send(res, await this.login(url, body as { data?: LoginBody } | null));
    if (method === 'POST' && path === '/telemetry/send') return send(res, { data: null, code: null, message: null, success: true });
    if (method === 'POST' && path === '/session/token-request') return send(res, this.renew(req, body as { oldSessionToken?: string } | null));

    const auth = this.sessionFor(req);
    if ('failure' in auth) return send(res, auth.failure);
    const session = auth.session;

    if (method === 'POST' && path === '/session' && url.searchParams.get('delete') === 'true') {
      await this.opts.engine.closeSession(session.state.id);
      for (const [k, v] of this.tokens) if (v.sessionId === session.state.id) this.tokens.delete(k);
      for (const [k, v] of this.masterTokens) if (v.sessionId === session.state.id) this.masterTokens.delete(k);
      return send(res, { data: null, code: null, message: null, success: true });
    }
    if (method === 'POST' && path === '/session/heartbeat') return send(res, { data: null, code: null, message: null, success: true });
    if (method === 'POST' && (path === '/queries/v1/abort-request' || /^\/queries\/[^/]+\/abort-request$/.test(path))) {
      return send(res, { data: null, code: null, message: null, success: true });
    }
    if (method === 'POST' && path === '/queries/v1/query-request') return send(res, await this.query(session, body as QueryBody));
    let m = path.match(/^\/queries\/([^/]+)\/result$/);
    if (m && method === 'GET') return send(res, await this.result(m[1]!));
    m = path.match(/^\/monitoring\/queries\/([^/]+)$/);
    if (m && method === 'GET') return send(res, this.monitoring(m[1]!));
    return send(res, { data: null, code: '000404', message: `The local Snowflake endpoint has no route ${method} ${path}.`, success: false });
  }

  private issueTokens(sessionId: string): { token: string; masterToken: string } {
    const token = `ST-${randomUUID()}`;
    const masterToken = `MT-${randomUUID()}`;
    this.tokens.set(token, { sessionId, expiresAt: Date.now() + this.validity * 1000 });
    this.masterTokens.set(masterToken, { sessionId, expiresAt: Date.now() + 4 * this.validity * 1000 });
    return { token, masterToken };
  }

  private async login(url: URL, body: { data?: LoginBody } | null): Promise<Envelope> {
    const data = body?.data ?? {};
    const engine = this.opts.engine;
    const outcome = authenticate(engine.registry, engine.account, data, Date.now());
    if (isFailure(outcome)) {
      return { data: { nextAction: 'RETRY_LOGIN', authnMethod: data.AUTHENTICATOR ?? 'SNOWFLAKE', signInOptions: {} }, code: outcome.code, message: outcome.message, success: false };
    }
    const q = url.searchParams;
    const role = q.get('roleName') || outcome.defaultRole;
    const session = await engine.createSession({
      user: outcome.name,
      role,
      ...(q.get('databaseName') ? { database: q.get('databaseName')! } : {}),
      ...(q.get('schemaName') ? { schema: q.get('schemaName')! } : {}),
      ...(q.get('warehouse') ? { warehouse: q.get('warehouse')! } : {}),
    });
    const { token, masterToken } = this.issueTokens(session.state.id);
    return {
      data: {
        token,
        masterToken,
        validityInSeconds: this.validity,
        masterValidityInSeconds: this.validity * 4,
        sessionId: Number(session.state.id),
        displayUserName: outcome.name,
        serverVersion: '9.99.0-local',
        firstLogin: false,
        parameters: parameterList(session),
        sessionInfo: sessionInfo(session),
      },
      code: null,
      message: null,
      success: true,
    };
  }

  private renew(req: IncomingMessage, body: { oldSessionToken?: string } | null): Envelope {
    const master = tokenFromHeader(req);
    const entry = master ? this.masterTokens.get(master) : undefined;
    if (!entry || entry.expiresAt < Date.now()) return { data: null, code: '390114', message: 'Authentication token has expired.  The user must authenticate again.', success: false };
    if (body?.oldSessionToken) this.tokens.delete(body.oldSessionToken);
    const token = `ST-${randomUUID()}`;
    this.tokens.set(token, { sessionId: entry.sessionId, expiresAt: Date.now() + this.validity * 1000 });
    return { data: { sessionToken: token, validityInSecondsST: this.validity, masterToken: master, validityInSecondsMT: this.validity * 4, sessionId: Number(entry.sessionId) }, code: null, message: null, success: true };
  }

  private sessionFor(req: IncomingMessage): { session: Session } | { failure: Envelope } {
    const token = tokenFromHeader(req);
    const entry = token ? this.tokens.get(token) : undefined;
    const session = entry ? this.opts.engine.session(entry.sessionId) : undefined;
    if (!entry || !session) return { failure: { data: { nextAction: 'RETRY_LOGIN' }, code: '390104', message: 'User must login again to access the service.', success: false } };
    if (entry.expiresAt < Date.now()) return { failure: { data: { nextAction: 'RENEW_SESSION' }, code: '390112', message: 'Your session has expired. Please login again.', success: false } };
    return { session };
  }

  private async query(session: Session, body: QueryBody): Promise<Envelope> {
    const sqlText = body?.sqlText ?? '';
    const binds = bindsOf(body?.bindings);
    const wanted = body?.parameters?.MULTI_STATEMENT_COUNT;
    const record = this.startQuery(session, sqlText, async (rec) => {
      let statements: string[];
      try {
        statements = splitStatements(sqlText);
      } catch (e) {
        return errorEnvelope(rec.id, { code: '001003', sqlState: '42000', message: `SQL compilation error:\n${e instanceof Error ? e.message : String(e)}` });
      }
      if (statements.length === 0) return errorEnvelope(rec.id, { code: '000900', sqlState: '42000', message: 'SQL compilation error:\nEmpty SQL statement.' });
      const expected = wanted === undefined || wanted === null ? 1 : Number(wanted);
      if (expected !== 0 && statements.length !== expected) {
        return errorEnvelope(rec.id, { code: '000008', sqlState: '0A000', message: `Actual statement count ${statements.length} did not match the desired statement count ${expected}.` });
      }
      if (statements.length === 1 && (wanted === undefined || wanted === null || expected === 1)) {
        return this.runOne(session, rec.id, statements[0]!, binds);
      }
      // Multi-statement: each child is its own query; the parent lists them.
      const ids: string[] = [];
      for (const stmt of statements) {
        const child = this.startQuery(session, stmt, (c) => this.runOne(session, c.id, stmt, binds), false);
        ids.push(child.id);
        await child.done;
        if (child.status === 'FAILED_WITH_ERROR') {
          return child.envelope!;
        }
      }
      return { data: { ...resultBase(session, rec.id), resultIds: ids.join(','), resultTypes: ids.map(() => String(0x1000)).join(','), statementTypeId: 0x1000, rowtype: [{ name: 'multiple statement execution', type: 'text', nullable: false, length: 16777216, precision: null, scale: null }], rowset: [['Multiple statements executed successfully.']], total: 1, returned: 1 }, code: null, message: null, success: true };
    });
    if (body?.asyncExec) {
      return { data: { queryId: record.id, getResultUrl: `/queries/${record.id}/result`, queryAbortsAfterSecs: 300, progressDesc: null }, code: '333334', message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.', success: true };
    }
    return this.answer(record);
  }

  private startQuery(session: Session, sqlText: string, run: (rec: QueryRecord) => Promise<Envelope>, queued = true): QueryRecord {
    const rec: QueryRecord = { id: randomUUID(), sessionId: session.state.id, sqlText, startTime: Date.now(), status: 'RUNNING', done: Promise.resolve() };
    this.queries.set(rec.id, rec);
    this.evictFinished();
    const slow = queued ? (this.opts.slowMs ?? 0) : 0;
    // A session runs its statements one at a time (a multi-statement's children run inside their parent's turn).
    const work = (queued ? session.queue : Promise.resolve()).then(async () => {
      const envelope = await run(rec).catch((e: unknown) => errorEnvelope(rec.id, e));
      if (slow > 0) await new Promise((r) => setTimeout(r, slow));
      rec.envelope = envelope;
      rec.status = envelope.success ? 'SUCCESS' : 'FAILED_WITH_ERROR';
      rec.endTime = Date.now();
    });
    if (queued) session.queue = work.catch(() => undefined);
    rec.done = work;
    return rec;
  }

  /** Keeps memory flat on a long-running demo: old finished results are dropped (oldest first). */
  private evictFinished(): void {
    if (this.queries.size <= MAX_KEPT_QUERIES) return;
    for (const [id, q] of this.queries) {
      if (this.queries.size <= MAX_KEPT_QUERIES) break;
      if (q.status !== 'RUNNING') this.queries.delete(id);
    }
  }

  /** The final answer if ready soon, else 333333 (the driver then polls the result URL). */
  private async answer(rec: QueryRecord): Promise<Envelope> {
    const hold = this.opts.slowMs ? Math.min(POLL_HOLD_MS, Math.max(0, this.opts.slowMs - 1)) : undefined;
    if (hold === undefined) {
      await rec.done;
    } else {
      await Promise.race([rec.done, new Promise((r) => setTimeout(r, hold))]);
    }
    if (rec.envelope) return rec.envelope;
    return { data: { queryId: rec.id, getResultUrl: `/queries/${rec.id}/result`, progressDesc: null, queryAbortsAfterSecs: 300 }, code: '333333', message: 'Query execution in progress. Query will be aborted unless request for result is received within 300 seconds.', success: true };
  }

  private async result(id: string): Promise<Envelope> {
    const rec = this.queries.get(id);
    if (!rec) return { data: { queryId: id, errorCode: '000709', sqlState: '02000' }, code: '000709', message: `Statement ${id} not found`, success: false };
    return this.answer(rec);
  }

  private monitoring(id: string): Envelope {
    const rec = this.queries.get(id);
    if (!rec) return { data: { queries: [] }, code: null, message: null, success: true };
    const err = rec.envelope && !rec.envelope.success ? rec.envelope : undefined;
    return {
      data: {
        queries: [{
          id: rec.id,
          status: rec.status,
          state: rec.status === 'RUNNING' ? 'RUNNING' : rec.status === 'SUCCESS' ? 'SUCCEEDED' : 'FAILED',
          sqlText: rec.sqlText,
          startTime: rec.startTime,
          endTime: rec.endTime ?? 0,
          totalDuration: (rec.endTime ?? Date.now()) - rec.startTime,
          sessionId: Number(rec.sessionId),
          ...(err ? { errorCode: err.code, errorMessage: err.message } : {}),
        }],
      },
      code: null,
      message: null,
      success: true,
    };
  }

  private async runOne(session: Session, queryId: string, sql: string, binds: WireBind[]): Promise<Envelope> {
    const result = await this.opts.engine.runStatement(session, sql, binds);
    return resultEnvelope(session, queryId, result);
  }
}

interface QueryBody {
  sqlText?: string;
  bindings?: Record<string, { type: string; value: string | null | (string | null)[] }>;
  parameters?: Record<string, unknown>;
  asyncExec?: boolean;
}

function bindsOf(bindings: QueryBody['bindings']): WireBind[] {
  if (!bindings) return [];
  const out: WireBind[] = [];
  for (const [k, v] of Object.entries(bindings)) out[Number(k) - 1] = { type: v.type, value: v.value };
  return Array.from(out, (b) => b ?? { type: 'TEXT', value: null });
}

function parameterList(session: Session): { name: string; value: string | number | boolean }[] {
  const out: { name: string; value: string | number | boolean }[] = [];
  for (const [name, value] of Object.entries(session.parameters)) {
    if (value === '' && name.endsWith('_OUTPUT_FORMAT')) continue;
    out.push({ name, value });
  }
  return out;
}

function sessionInfo(session: Session): Record<string, string | null> {
  const s = session.state;
  return { databaseName: s.database || null, schemaName: s.schema || null, warehouseName: s.warehouse || null, roleName: s.role };
}

function resultBase(session: Session, queryId: string): Record<string, unknown> {
  const s = session.state;
  return {
    parameters: parameterList(session),
    queryId,
    version: 1,
    queryResultFormat: 'json',
    finalDatabaseName: s.database || null,
    finalSchemaName: s.schema || null,
    finalWarehouseName: s.warehouse || null,
    finalRoleName: s.role,
    queryContext: { entries: [] },
  };
}

function resultEnvelope(session: Session, queryId: string, r: StatementResult): Envelope {
  const rowtype = r.columns.map((c) => ({
    name: c.name,
    database: '',
    schema: '',
    table: '',
    type: c.type,
    nullable: c.nullable,
    precision: c.precision ?? null,
    scale: c.scale ?? null,
    length: c.length ?? null,
    byteLength: c.length ?? null,
    collation: null,
  }));
  return {
    data: { ...resultBase(session, queryId), rowtype, rowset: r.rows, total: r.rows.length, returned: r.rows.length, statementTypeId: STATEMENT_TYPE[r.kind] },
    code: null,
    message: null,
    success: true,
  };
}

function errorEnvelope(queryId: string, e: unknown): Envelope {
  const shaped = isSnowflakeShaped(e) ? e : typeof e === 'object' && e !== null && 'code' in e && 'sqlState' in e ? (e as { code: string; sqlState: string; message: string }) : undefined;
  const code = shaped?.code ?? '000603';
  const sqlState = shaped?.sqlState ?? 'XX000';
  const message = shaped?.message ?? (e instanceof Error ? e.message : String(e));
  return { data: { internalError: !shaped, errorCode: code, age: 0, sqlState, queryId, line: -1, pos: -1, type: 'COMPILATION' }, code, message, success: false, headers: null };
}

function tokenFromHeader(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization ?? '';
  const m = h.match(/Snowflake Token="([^"]+)"/);
  return m?.[1];
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let buf = Buffer.concat(chunks);
  if (buf.length === 0) return null;
  // The driver means to gzip bodies (it rarely manages to); accept both.
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  const text = buf.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(res: ServerResponse, body: Envelope): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

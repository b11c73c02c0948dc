import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsCommand } from '@aws-sdk/client-s3';
import { connectSnowflake, type SnowflakeSession } from '@floe/core';
import { SALES_CSV_MISSING, salesCsvPath } from '@floe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../src/demo/local-stack.js';
import { ensureBuilt, runCli, spawnCli } from './cli-process.js';

const csv = salesCsvPath();
const FROM = '2003-01-06';
const TO = '2005-05-31';

let stack: LocalStack;
let session: SnowflakeSession;
let dir: string;
let configPath: string;

/** `floe <args> --config <the stack's config>` with the stack's secrets in the environment. */
const floe = (...args: string[]) => runCli([...args, '--config', configPath], { env: stack.env, timeoutMs: 280_000 });

async function sql<T extends object = Record<string, unknown>>(text: string): Promise<T[]> {
  const r = await session.query<T>(text);
  if (r.isErr()) throw new Error(r.error.message);
  return r.value;
}

/** Snowflake's figures the data set fixes (see the shared data README). */
async function figures() {
  const one = async (text: string) => String(Object.values((await sql(text))[0] ?? {})[0]);
  return {
    sales: await one('SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.SALES'),
    invoices: await one('SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.INVOICES'),
    items: await one('SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.ITEMS'),
    sumSales: await one('SELECT CAST(SUM(SALES) AS VARCHAR) FROM FLOE_DEMO.PUBLIC.SALES'),
    na: await one("SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.SALES WHERE TERRITORY = 'NA'"),
    // 19 lines of one customer: the cp437 ä and the double space both intact.
    berguvsvagen: await one("SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.SALES WHERE ADDRESSLINE1 = 'Berguvsvägen  8'"),
  };
}

/**
 * Every published manifest key of the sales table, grouped by day (a day whose run was killed
 * after publishing its part but before its manifest maps to no key). ListObjects v1 with Marker:
 * s3rver 3.7.1 fails every ListObjectsV2 page after the first.
 */
async function manifestsByDay(): Promise<Map<string, string[]>> {
  const client = stack.s3.client();
  const byDay = new Map<string, string[]>();
  let marker: string | undefined;
  do {
    const page = await client.send(new ListObjectsCommand({ Bucket: stack.bucket, Prefix: 'floe/sales/dt=', ...(marker ? { Marker: marker } : {}) }));
    for (const o of page.Contents ?? []) {
      const day = /dt=(\d{4}-\d{2}-\d{2})\//.exec(o.Key!)![1]!;
      const keys = byDay.get(day) ?? [];
      if (o.Key!.endsWith('/_manifest.json')) keys.push(o.Key!);
      byDay.set(day, keys);
    }
    marker = page.IsTruncated ? page.Contents?.at(-1)?.Key : undefined;
  } while (marker);
  client.destroy();
  return byDay;
}

async function ingest(): Promise<void> {
  await stack.snowflake.drainPipes();
  await stack.runTasks();
}

describe.skipIf(!csv)(`end to end on local services with the real data set${csv ? '' : ` (skipped: ${SALES_CSV_MISSING})`}`, () => {
  beforeAll(async () => {
    ensureBuilt();
    stack = await startLocalStack({ data: { kind: 'kaggle', csvPath: csv! } });
    dir = await mkdtemp(join(tmpdir(), 'floe-cli-e2e-'));
    configPath = join(dir, 'floe.config.json');
    await writeFile(configPath, JSON.stringify(stack.rawConfig, null, 2));
    const s = await connectSnowflake(stack.config, { loginRetries: 0 });
    if (s.isErr()) throw new Error(s.error.message);
    session = s.value;
  }, 180_000);
  afterAll(async () => {
    await session?.close();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('provisions Snowflake, and a second provision has nothing to do', async () => {
    const first = await floe('provision', '--create-warehouse', '--json');
    expect(first.stderr).toBe('');
    expect(first.code, first.stderr).toBe(0);
    const body = JSON.parse(first.stdout) as { applied: number; documents: Record<string, unknown> };
    expect(body.applied).toBeGreaterThan(5);
    expect(body.documents).toHaveProperty('trustPolicy');
    expect(body.documents).toHaveProperty('bucketNotification');
    const again = await floe('provision', '--dry-run', '--create-warehouse', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ dryRun: true, toDo: 0 });
  }, 120_000);

  it('ddl prints the ordered setup and iam the AWS documents and the key-pair step', async () => {
    const ddl = await floe('ddl', '--json');
    expect(ddl.code, ddl.stderr).toBe(0);
    const steps = (JSON.parse(ddl.stdout) as { steps: Array<{ id: string; sql: string }> }).steps;
    const pipe = steps.find((s) => /^CREATE PIPE/i.test(s.sql));
    expect(pipe?.sql).toContain('AUTO_INGEST = TRUE');
    expect(steps.findIndex((s) => /^CREATE PIPE/i.test(s.sql))).toBeGreaterThan(steps.findIndex((s) => /^CREATE STAGE/i.test(s.sql)));
    const { generateKeyPairSync } = await import('node:crypto');
    const pub = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey;
    const pemPath = join(dir, 'svc.pub');
    await writeFile(pemPath, pub);
    const iam = await floe('iam', '--public-key', pemPath, '--json');
    expect(iam.code, iam.stderr).toBe(0);
    const docs = JSON.parse(iam.stdout) as { rsaPublicKeyStep: string; permissionsPolicy: { Statement: Array<{ Action: unknown; Resource: string }> }; trustPolicy: unknown; bucketNotification: { QueueConfigurations: Array<{ Filter: unknown }> } };
    expect(docs.rsaPublicKeyStep).toMatch(/^ALTER USER "FLOE_SVC" SET RSA_PUBLIC_KEY = 'MII/);
    expect(docs.permissionsPolicy.Statement[0]?.Resource).toBe('arn:aws:s3:::floe-demo/floe/*');
    expect(docs.trustPolicy).toBeDefined();
    expect(JSON.stringify(docs.bucketNotification.QueueConfigurations[0]?.Filter)).toContain('floe/sales/');
  }, 120_000);

  it('a backfill killed half way (SIGKILL) is finished by a second one, no day loaded twice', async () => {
    const child = spawnCli(['backfill', '--from', FROM, '--to', TO, '--parallel', '2', '--config', configPath], { env: stack.env });
    let published = 0;
    const stop = stack.s3.onEvent((e) => {
      if (e.key.endsWith('/_manifest.json')) published++;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? -1 : code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (published >= 300) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      void exited.then((code) => {
        clearInterval(timer);
        if (code !== -1) reject(new Error(`the backfill ended (exit ${code}) before it could be killed: it ran ${published} days`));
      });
    });
    expect(await exited).toBe(-1);
    stop();
    const before = await manifestsByDay();
    const finished = [...before.values()].filter((keys) => keys.length > 0).length;
    expect(finished).toBeGreaterThanOrEqual(300);

    const resumed = await floe('backfill', '--from', FROM, '--to', TO, '--parallel', '4', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    const body = JSON.parse(resumed.stdout) as { totals: { ok: number; skipped: number; failed: number; rows: number } };
    expect(body.totals.failed).toBe(0);
    expect(body.totals.skipped).toBe(finished); // every finished day skipped, none redone
    const after = await manifestsByDay();
    for (const [day, keys] of after) expect(keys, day).toHaveLength(1);

    await ingest();
    // The landing table is the audit trail of every delivery. Every line arrived exactly once
    // through a complete run (one with a manifest). A run killed between publishing its part and
    // writing its manifest may also have delivered its rows (at most the runs in flight); the
    // MERGE keeps one row per key whatever arrives twice, as the SALES figures below show.
    const runIds = new Set([...after.values()].flat().map((k) => /run=([^/]+)\//.exec(k)?.[1]));
    const landed = await sql<{ R: string; N: string }>('SELECT _FLOE_RUN_ID AS R, COUNT(*) AS N FROM FLOE_DEMO.PUBLIC.SALES_LANDING GROUP BY 1');
    const complete = landed.filter((r) => runIds.has(r.R));
    expect(complete.reduce((n, r) => n + Number(r.N), 0)).toBe(2823);
    expect(landed.length - complete.length).toBeLessThanOrEqual(2);
    expect(await figures()).toEqual({ sales: '2823', invoices: '307', items: '2823', sumSales: '10032628.85', na: '1074', berguvsvagen: '19' });
  }, 300_000);

  it('verify finds no difference over the whole range', async () => {
    const r = await floe('verify', '--from', FROM, '--to', TO, '--json');
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as { differences: unknown[]; tables: Array<{ table: string; postgres: Record<string, string>; snowflake: Record<string, string> }> };
    expect(body.differences).toEqual([]);
    const sales = body.tables.find((t) => t.table === 'SALES')!;
    expect(sales.snowflake).toMatchObject({ rows: '2823', 'sum(sales)': '10032628.85', 'sum(priceeach)': '236168.07', 'sum(quantityordered)': '99067' });
  }, 120_000);

  it('re-running a day three times and the whole range with --force changes no count', async () => {
    const landedBefore = Number(Object.values((await sql('SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.SALES_LANDING'))[0] ?? {})[0]);
    for (let i = 0; i < 3; i++) {
      const r = await floe('run', '--date', TO, '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ runs: [{ table: 'sales', date: TO, status: 'ok', rows: 19 }] });
    }
    const again = await floe('backfill', '--from', FROM, '--to', TO, '--parallel', '4', '--force', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { totals: { rows: number; skipped: number } }).totals).toMatchObject({ rows: 2823, skipped: 0 });
    await ingest();
    // Every delivery landed (3 re-runs of a 19-line day, one more full load) and the merge kept one row per key.
    expect(Number(Object.values((await sql('SELECT COUNT(*) FROM FLOE_DEMO.PUBLIC.SALES_LANDING'))[0] ?? {})[0])).toBe(landedBefore + 19 * 3 + 2823);
    expect(await figures()).toEqual({ sales: '2823', invoices: '307', items: '2823', sumSales: '10032628.85', na: '1074', berguvsvagen: '19' });
    const verified = await floe('verify', '--date', TO, '--json');
    expect(verified.code, verified.stderr).toBe(0);
  }, 300_000);

  it('status lists the recent runs, the pipe and the task', async () => {
    const r = await floe('status', '--limit', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as { runs: Array<{ table: string; recent: Array<{ date: string; rows: number }> }>; pipes: Array<{ pipe: string; executionState?: string }>; tasks: Array<{ task: string; state?: string }> };
    expect(body.runs[0]?.recent).toHaveLength(3);
    expect(body.pipes[0]).toMatchObject({ pipe: 'SALES_PIPE', executionState: 'RUNNING' });
    expect(body.tasks[0]?.state).toBe('started');
  }, 60_000);
});

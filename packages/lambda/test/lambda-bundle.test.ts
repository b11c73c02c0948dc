import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaRunReport } from '../src/index.js';
import { bundlePath, NODE24_MISSING, startBundle, zipPath, type BundleProcess, type Invoked } from './support/bundle-process.js';
import { startFakeSecretsManager } from './support/fake-secrets-manager.js';
import { csvFacts, startFixture, type Fixture } from './support/fixture.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:floe/pg-AbCdEf';

function report(outcome: Invoked): LambdaRunReport {
  if (!outcome.result) throw new Error(`The invocation failed: ${outcome.errorMessage}\n${outcome.logs.join('\n')}`);
  return outcome.result;
}

function runOf(r: LambdaRunReport, table: string, date?: string) {
  const run = r.runs.find((x) => x.table === table && (date === undefined || x.date === date));
  if (run?.status !== 'ok') throw new Error(`no ok run of ${table} ${date ?? ''}: ${JSON.stringify(r.runs)}`);
  return run.report;
}

/** Entry names from the zip's central directory (end record: the last 22 bytes, no zip comment). */
function zipEntries(zip: Buffer): string[] {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const [nameLength, extraLength, commentLength] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names.sort();
}

/** Lambda's runtime shows `trace` to whoever invoked: it must hold the message only, no code frames. */
function expectNoStackFrames(outcome: Invoked): void {
  expect(outcome.trace?.some((l) => /^\s+at /.test(l))).toBe(false);
}

describe.skipIf(NODE24_MISSING)(`the built bundle under Node 24 ${NODE24_MISSING ?? ''}`, () => {
  let fx: Fixture;
  let secrets: Awaited<ReturnType<typeof startFakeSecretsManager>>;
  const started: BundleProcess[] = [];

  const container = (prefix: string, extra: Record<string, string> = {}) => {
    const p = startBundle({
      FLOE_CONFIG: JSON.stringify(fx.config(prefix)),
      FLOE_SOURCE_PASSWORD_SECRET: SECRET_ARN,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: fx.s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fx.s3.credentials.secretAccessKey,
      LAMBDA_TASK_ROOT: dirname(bundlePath),
      TZ: ':UTC',
      ...extra,
    });
    started.push(p);
    return p;
  };

  beforeAll(async () => {
    fx = await startFixture();
    // An RDS-style JSON secret: the function takes its "password" key.
    secrets = await startFakeSecretsManager({ [SECRET_ARN]: JSON.stringify({ username: fx.postgres.user, password: fx.postgres.password, engine: 'postgres' }) });
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.close()));
    await secrets?.stop();
    await fx?.stop();
  });

  it('is one ESM file plus parquet-wasm\'s Node build (.wasm included), zipped, without snowflake-sdk', () => {
    const zip = readFileSync(zipPath);
    const bundle = readFileSync(bundlePath, 'utf8');
    expect(zipEntries(zip)).toEqual([
      'index.mjs',
      'node_modules/parquet-wasm/LICENSE_APACHE',
      'node_modules/parquet-wasm/LICENSE_MIT',
      'node_modules/parquet-wasm/node/package.json',
      'node_modules/parquet-wasm/node/parquet_wasm.js',
      'node_modules/parquet-wasm/node/parquet_wasm_bg.wasm',
      'node_modules/parquet-wasm/package.json',
    ]);
    expect(statSync(zipPath).size).toBeLessThan(50 * 1024 * 1024); // Lambda's direct-upload limit
    expect(bundle).toMatch(/export\s*\{[^}]*as handler/);
    expect(bundle).not.toMatch(/snowflakecomputing|require\("snowflake-sdk"\)|import\("snowflake-sdk"\)/);
  });

  it('a scheduled event extracts yesterday in the configured zone; a retry of it publishes a second complete run', async () => {
    const fn = container('scheduled');
    // 16:00 UTC on May 31 is already June 1 in Tokyo: "yesterday" there is May 31 (in UTC it would be May 30).
    const first = await fn.invoke({ scheduledTime: '2005-05-31T16:00:00Z' }, { requestId: 'req-1' });
    const r1 = report(first);
    expect(r1).toMatchObject({ status: 'ok', trigger: 'scheduled', scheduledTime: '2005-05-31T16:00:00.000Z', requestId: 'req-1' });
    expect(r1.runs.map((r) => `${r.table}:${r.date ?? '-'}:${r.status}`)).toEqual(['sales:2005-05-31:ok', 'sales_changes:-:ok', 'sales_parquet:2005-05-31:ok']);

    const truth = await fx.day('2005-05-31');
    expect(truth.rows).toBeGreaterThan(2);
    const sales = runOf(r1, 'sales', '2005-05-31');
    expect(sales.rows).toBe(truth.rows);
    expect(sales.files).toHaveLength(Math.ceil(truth.rows / 2));
    const salesKeys = await fx.keys('scheduled/sales/');
    expect(salesKeys).toEqual([...sales.files.map((f) => f.key), sales.manifestKey].sort());
    expect(sales.manifestKey).toBe(`scheduled/sales/dt=2005-05-31/run=${sales.runId}/_manifest.json`);
    const manifest = JSON.parse(await fx.text(sales.manifestKey)) as { rows: number; files: Array<{ key: string; rows: number }>; window: { date: string; timeZone: string } };
    expect(manifest).toMatchObject({ rows: truth.rows, window: { kind: 'day', date: '2005-05-31', timeZone: 'Asia/Tokyo' } });
    // The data itself: every line of the day, money summed exactly.
    expect(csvFacts(await Promise.all(sales.files.map((f) => fx.text(f.key))))).toEqual(truth);

    // The cursor table: everything on the first run, its watermark stored beside the data.
    const changes = runOf(r1, 'sales_changes');
    expect(changes.rows).toBe(2823);
    expect(await fx.keys('scheduled/sales_changes/_watermark.json')).toEqual(['scheduled/sales_changes/_watermark.json']);

    // Parquet written through the shipped parquet-wasm (node_modules/parquet-wasm beside index.mjs).
    const parquet = runOf(r1, 'sales_parquet', '2005-05-31');
    expect(parquet.rows).toBe(truth.rows);
    const pq = parquet.files[0]!;
    expect(pq.key).toMatch(/\/part-00000\.parquet$/);
    const pqBytes = await fx.bytes(pq.key);
    expect(pqBytes.length).toBe(pq.bytes);
    expect([pqBytes.subarray(0, 4).toString(), pqBytes.subarray(-4).toString()]).toEqual(['PAR1', 'PAR1']);

    expect(await fx.keys('scheduled/_staging/')).toEqual([]);
    expect(await fx.floeConnections()).toBe(0);
    // One JSON line: the report the invocation returned.
    const lines = first.logs.filter((l) => l.includes('"floe run report"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'INFO', message: 'floe run report', ...JSON.parse(JSON.stringify(r1)) });
    expect(first.logs.join('\n')).not.toContain(fx.postgres.password);

    // Async invoke retries deliver the same event again (here as an EventBridge rule event, the other
    // schedule shape): the same day is extracted again into a NEW run folder, complete with its
    // manifest. The first run is never overwritten, and the later run id wins in Snowflake's MERGE.
    const again = report(await fn.invoke({ version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: '2005-05-31T16:00:00Z', region: 'us-east-1', resources: [], detail: {} }));
    const sales2 = runOf(again, 'sales', '2005-05-31');
    expect(sales2.runId > sales.runId).toBe(true);
    expect(sales2.rows).toBe(truth.rows);
    const manifests = (await fx.keys('scheduled/sales/')).filter((k) => k.endsWith('/_manifest.json'));
    expect(manifests).toEqual([sales.manifestKey, sales2.manifestKey]);
    // The cursor table continues from its watermark: nothing changed, nothing extracted.
    expect(runOf(again, 'sales_changes').rows).toBe(0);
    // The password was fetched once for the container.
    expect(secrets.requests).toEqual([`secretsmanager.GetSecretValue ${SECRET_ARN}`]);
    expect(await fx.floeConnections()).toBe(0);
  });

  it('a manual event runs the named day, or every day of a range, for the day tables', async () => {
    const fn = container('manual');
    const days = await fx.sql.query<{ d: string }>("SELECT DISTINCT to_char(orderdate, 'YYYY-MM-DD') AS d FROM sales ORDER BY 1 DESC LIMIT 3");
    const [last, , third] = days.rows.map((r) => r.d);
    const one = report(await fn.invoke({ date: third }));
    expect(one.trigger).toBe('days');
    // Only the day tables: the cursor table is not touched by a dated event.
    expect(one.runs.map((r) => `${r.table}:${r.date}`)).toEqual([`sales:${third}`, `sales_parquet:${third}`]);
    expect(runOf(one, 'sales', third).rows).toBe((await fx.day(third!)).rows);

    const range = report(await fn.invoke({ from: third, to: last, tables: ['sales'] }));
    const expected: string[] = [];
    for (let d = new Date(`${third}T00:00:00Z`); d.toISOString().slice(0, 10) <= last!; d.setUTCDate(d.getUTCDate() + 1)) expected.push(d.toISOString().slice(0, 10));
    expect(range.runs.map((r) => r.date)).toEqual(expected);
    for (const date of expected) {
      const run = runOf(range, 'sales', date);
      const truth = await fx.day(date);
      expect(run.rows).toBe(truth.rows);
      const parts = await Promise.all(run.files.map((f) => fx.text(f.key)));
      if (truth.rows > 0) expect(csvFacts(parts)).toEqual(truth);
      expect(await fx.keys(`manual/sales/dt=${date}/run=${run.runId}/_manifest.json`)).toHaveLength(1);
    }
    expect(await fx.keys('manual/sales_changes/')).toEqual([]);
    expect(await fx.floeConnections()).toBe(0);
  });

  it('stops cleanly when the remaining time runs short, and the next invocation completes the day', async () => {
    const fn = container('timeout');
    const staged: string[] = [];
    const deleted: string[] = [];
    const off = fx.s3.onEvent((e) => {
      if (!e.key.startsWith('timeout/_staging/')) return;
      (e.eventName.startsWith('ObjectRemoved') ? deleted : staged).push(e.key);
    });
    // getRemainingTimeInMillis(): ample at the start, before the table and at its first progress
    // report; then 1 s, under the 30 s margin, once the first part is staged.
    const cut = await fn.invoke({ date: '2005-05-31', tables: ['sales'] }, { remainingMs: [900_000, 900_000, 900_000, 1_000] });
    off();
    expect(cut.result).toBeUndefined();
    expect(cut.errorType).toBe('FloeError');
    expect(cut.errorMessage).toMatch(/^\[timeout\] The run for sales \(2005-05-31\) timed out: it stopped with 1000 ms of the invocation left/);
    expect(cut.errorMessage).toContain('Nothing was published and the watermark did not move');
    expectNoStackFrames(cut);
    expect(JSON.parse(cut.logs.find((l) => l.includes('"floe run report"'))!)).toMatchObject({ status: 'failed', runs: [{ table: 'sales', status: 'failed', error: { kind: 'timeout' } }] });
    // A part had been staged; it was removed, and nothing reached the published path.
    expect(staged.length).toBeGreaterThan(0);
    expect(deleted.sort()).toEqual([...new Set(staged)].sort());
    expect(await fx.keys('timeout/')).toEqual([]);
    expect(await fx.floeConnections()).toBe(0);

    const done = report(await fn.invoke({ date: '2005-05-31', tables: ['sales'] }));
    const run = runOf(done, 'sales', '2005-05-31');
    const truth = await fx.day('2005-05-31');
    expect(run.rows).toBe(truth.rows);
    expect(csvFacts(await Promise.all(run.files.map((f) => fx.text(f.key))))).toEqual(truth);
    expect((await fx.keys('timeout/')).filter((k) => k.endsWith('_manifest.json'))).toEqual([run.manifestKey]);

    // A cursor table cut short keeps its watermark where it was (here: none), so the next run
    // starts from the same place and loses nothing.
    const cursorCut = await fn.invoke({ mode: 'cursor' }, { remainingMs: [900_000, 900_000, 900_000, 1_000] });
    expect(cursorCut.errorMessage).toMatch(/^\[timeout\] The run for sales_changes timed out/);
    expect(await fx.keys('timeout/sales_changes/')).toEqual([]);
    const cursorDone = report(await fn.invoke({ mode: 'cursor' }));
    expect(runOf(cursorDone, 'sales_changes').rows).toBe(2823);
    expect(await fx.keys('timeout/sales_changes/_watermark.json')).toEqual(['timeout/sales_changes/_watermark.json']);
    expect(await fx.keys('timeout/_staging/')).toEqual([]);
  });

  it('answers bad events with a clear error, not a stack trace', async () => {
    const fn = container('bad');
    const cases: Array<[unknown, RegExp]> = [
      [{ hello: 'world' }, /^\[bad_window\] The invocation event has an unknown shape \(keys hello\)\. \(event\) → Invoke with \{"date":"2005-05-31"\}/],
      [{ date: '2005-02-30' }, /date is not a calendar date/],
      [{ date: '31/05/2005' }, /date must be a date written YYYY-MM-DD/],
      [{ from: '2005-05-31', to: '2005-05-01' }, /The range starts after it ends \(from 2005-05-31 > to 2005-05-01\)\. \(event\) → Swap from and to/],
      [{ date: '2005-05-31', tables: ['nope'] }, /nope/],
      ['run please', /must be a JSON object, got string/],
    ];
    for (const [event, message] of cases) {
      const out = await fn.invoke(event);
      expect(out.errorType, JSON.stringify(event)).toBe('FloeError');
      expect(out.errorMessage).toMatch(message);
      expectNoStackFrames(out);
    }
    expect(await fx.keys('bad/')).toEqual([]);
  });

  it('a missing configuration fails every invocation with the same clear error, logged at cold start', async () => {
    const fn = container('unused', { FLOE_CONFIG: '' });
    const out = await fn.invoke({ date: '2005-05-31' });
    expect(out.errorMessage).toMatch(/^\[config\] Neither FLOE_CONFIG nor FLOE_CONFIG_FILE is set/);
    expectNoStackFrames(out);
    expect(out.logs.some((l) => l.includes('"floe: the function is not configured correctly"'))).toBe(true);
  });
});

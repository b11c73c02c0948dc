// `npm run bench [-- --rows 10000000] [-- --json] [-- --narrow]`: generates N sales rows in an
// embedded PostgreSQL and measures, each in its own process, the physical floor (COPY drained, COPY
// piped through gzip), the Parquet peer (COPY to a file, then DuckDB), and floe itself writing gzip
// CSV and Parquet into a local S3 bucket (also split over two connections). Every floe output is
// read back with DuckDB and its row count and money sums compared with PostgreSQL's, so no figure
// comes from dropped or rounded work. Besides wall time and memory, each contender's own CPU and the
// whole machine's busy CPU over its interval show which runs were CPU-bound.
// Progress goes to stderr; the table (or, with --json, one JSON object) to stdout.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { figures, table } from './bench/report.mjs';
import { duckColumns, floeSelect, floorSelectVia, narrowTable } from './bench/sql.mjs';
import { download, readBack } from './bench/verify.mjs';
import { importDist, requireFrom, root } from './bench/workspace.mjs';

// `tuned`: run as the floe CLI runs, under its Node settings (NODE_TUNING in packages/cli); the
// `-plain` twins run under Node's defaults, as a library embedded in a user's own process would.
const CONTENDERS = [
  { name: 'copy', label: 'COPY csv, drained', reference: null },
  { name: 'copy-gzip', label: 'COPY csv | gzip (floor)', reference: null },
  { name: 'duckdb-peer', label: 'COPY csv > file, DuckDB → Parquet (peer)', reference: null, format: 'parquet' },
  { name: 'floe-csv', label: 'floe gzip CSV → S3', reference: 'copy-gzip', format: 'csv', tuned: true },
  { name: 'floe-csv-plain', label: 'floe gzip CSV → S3, plain node', reference: 'copy-gzip', format: 'csv', note: "Node's default heap and malloc settings (the library in your own process, without the CLI's tuning)" },
  { name: 'floe-csv-1-gzip', label: 'floe gzip CSV → S3, one gzip thread', reference: 'copy-gzip', format: 'csv', tuned: true, note: 'gzipConcurrency 1: what the parallel gzip members buy' },
  { name: 'floe-csv-split2', label: 'floe gzip CSV → S3, split in 2', reference: 'copy-gzip', format: 'csv', tuned: true, needs: 'split', note: 'split: { slices: 2 }: two key ranges of the primary key\'s first column, two connections, one exported snapshot' },
  { name: 'floe-parquet-arrow', label: 'floe Parquet (arrow) → S3', reference: 'duckdb-peer', format: 'parquet', tuned: true },
  { name: 'floe-parquet-plain', label: 'floe Parquet (arrow) → S3, plain node', reference: 'duckdb-peer', format: 'parquet', note: "Node's default heap and malloc settings" },
  { name: 'floe-parquet-split2', label: 'floe Parquet (arrow) → S3, split in 2', reference: 'duckdb-peer', format: 'parquet', tuned: true, needs: 'split' },
  { name: 'floe-parquet-parquetjs-lite', label: 'floe Parquet (parquetjs-lite) → S3', reference: 'duckdb-peer', format: 'parquet', tuned: true, note: 'money columns read as text: parquetjs-lite has no DECIMAL type and refuses numeric columns' },
];

/** `--narrow`: the columns every contender reads (about 80 bytes of CSV a row instead of about 235). */
const NARROW_COLUMNS = ['ordernumber', 'orderlinenumber', 'quantityordered', 'priceeach', 'sales', 'orderdate', 'productcode', 'status'];

/**
 * Features of core's build a contender needs, with the reason it is skipped without them. The
 * build's type declarations say whether `createPostgresExtractor` takes `split: { slices }`.
 */
function missingFeatures() {
  const dts = readFileSync(join(root, 'packages', 'core', 'dist', 'index.d.ts'), 'utf8');
  const missing = {};
  if (!/\bslices\??\s*:\s*number/.test(dts)) missing.split = "core's build has no `split` option on createPostgresExtractor (rebuild core once it has: node scripts/setup.mjs)";
  return missing;
}

/** The postmaster of a local server: the parent of our backend (null if /proc cannot say). */
function postmasterOf(backendPid) {
  try {
    const m = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${backendPid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function parseArgs(argv) {
  const opts = { rows: 1_000_000, json: false, narrow: false, gzipLevel: 6, parquetCompression: 'snappy', only: null, skip: [], repeat: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--json') opts.json = true;
    else if (a === '--narrow') opts.narrow = true;
    else if (a === '--rows') opts.rows = Number(value().replace(/[_,]/g, ''));
    else if (a === '--gzip-level') opts.gzipLevel = Number(value());
    else if (a === '--parquet-compression') opts.parquetCompression = value();
    else if (a === '--only') opts.only = value().split(',');
    else if (a === '--repeat') opts.repeat = Number(value());
    else if (a === '--skip') opts.skip = value().split(',');
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench -- [--rows N] [--json] [--narrow (8 columns)] [--gzip-level 1-9] [--parquet-compression snappy|zstd|none] [--only a,b] [--skip a,b] [--repeat N (best of N)]\n');
      process.stdout.write(`contenders: ${CONTENDERS.map((c) => c.name).join(', ')} (copy always runs: it is the base of every ratio)\n`);
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  if (!Number.isSafeInteger(opts.rows) || opts.rows < 1) fail('--rows must be a positive integer');
  if (!Number.isInteger(opts.repeat) || opts.repeat < 1) fail('--repeat must be a positive integer');
  if (!Number.isInteger(opts.gzipLevel) || opts.gzipLevel < 1 || opts.gzipLevel > 9) fail('--gzip-level must be 1 to 9');
  for (const n of [...(opts.only ?? []), ...opts.skip]) if (!CONTENDERS.some((c) => c.name === n)) fail(`unknown contender ${n}`);
  return opts;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const log = (m) => process.stderr.write(`bench: ${m}\n`);

/** The Node settings the floe CLI starts with (it replaces itself under them): the tuned contenders get the same. */
async function cliTuning() {
  const { NODE_TUNING } = await import(pathToFileURL(join(root, 'packages', 'cli', 'dist', 'node-tuning.js')).href);
  return NODE_TUNING;
}

function runContender(spec, tuning) {
  return new Promise((resolve, reject) => {
    const flags = spec.tuned ? tuning.v8Flags : [];
    const env = spec.tuned ? { ...process.env, ...tuning.env } : process.env;
    const child = spawn(process.execPath, [...flags, join(root, 'scripts', 'bench', 'contender.mjs'), JSON.stringify(spec)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errText = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (errText += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`contender ${spec.name} failed (exit ${code}):\n${errText.trim()}`));
      const last = out.trim().split('\n').pop();
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`contender ${spec.name} printed no result:\n${out}\n${errText}`));
      }
    });
  });
}

const opts = parseArgs(process.argv.slice(2));
const wanted = CONTENDERS.filter((c) => c.name === 'copy' || ((opts.only === null || opts.only.includes(c.name)) && !opts.skip.includes(c.name)));
const missing = missingFeatures();
const skipped = wanted.filter((c) => c.needs && missing[c.needs]).map((c) => ({ name: c.name, label: c.label, reason: missing[c.needs] }));
const selected = wanted.filter((c) => !(c.needs && missing[c.needs]));

const testkit = await importDist('packages/testkit');
const sales = await importDist('examples/sales');
const { DuckDBInstance } = await import('@duckdb/node-api');
const pg = requireFrom('packages/core')('pg');
const psql = spawnSync('psql', ['--version'], { encoding: 'utf8' }).status === 0;
const tuning = await cliTuning();

// Other work on the machine shares the cores: the 1-minute load average is part of the result.
const loadAtStart = loadavg()[0];
const tmpDir = await mkdtemp(join(tmpdir(), 'floe-bench-'));
let postgres;
let s3;
let exitCode = 0;
// Ctrl-C (or a kill) stops the servers and removes the data folder instead of leaving them behind.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void Promise.allSettled([s3?.stop(), postgres?.stop()])
      .then(() => rm(tmpDir, { recursive: true, force: true }))
      .finally(() => process.exit(130));
  });
}
try {
  log(`starting PostgreSQL and the S3 server; ${psql ? 'psql found on the PATH' : 'no psql on the PATH: the floor reads COPY through pg-copy-streams'}`);
  postgres = await testkit.startPostgres();
  const bucket = 'floe-bench';
  s3 = await testkit.startS3({ buckets: [bucket] });
  const pgUrl = postgres.url();
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  const source = {};
  let serverVersion;
  let postgresPid = null;
  try {
    serverVersion = Number((await client.query('SHOW server_version_num')).rows[0].server_version_num);
    postgresPid = postmasterOf((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    await sales.createSalesTable(client);
    const t0 = performance.now();
    log(`generating ${opts.rows.toLocaleString('en-US')} sales rows into public.sales`);
    const loaded = await sales.loadGeneratedSales(client, { rows: opts.rows });
    if (loaded.isErr()) throw new Error(`loading rows failed: ${loaded.error.message}`);
    // Sets hint bits and the visibility map now, so no contender pays for the first read's writes.
    await client.query('VACUUM (FREEZE, ANALYZE) public.sales');
    log(`loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // One unmeasured pass brings the table into memory, so the first contender is not the one that reads it from disk.
    await client.query('SELECT count(*) FROM (SELECT * FROM public.sales) AS warm');
    const truth = await client.query('SELECT count(*)::int AS rows, sum(priceeach)::text AS priceeach, sum(sales)::text AS sales FROM public.sales');
    Object.assign(source, truth.rows[0]);
  } finally {
    await client.end();
  }
  const readTable = opts.narrow ? narrowTable(sales.SALES_TABLE, NARROW_COLUMNS) : sales.SALES_TABLE;
  const columns = readTable.columns;
  const moneyAsText = new Set(columns.filter((c) => c.baseType === 'numeric').map((c) => c.name));
  const liteQuery = `SELECT ${columns.map((c) => (moneyAsText.has(c.name) ? `"${c.name}"::text AS "${c.name}"` : `"${c.name}"`)).join(', ')} FROM public.sales`;
  const base = {
    rows: opts.rows,
    pgUrl,
    psql,
    select: floeSelect(readTable, serverVersion),
    duckColumns: duckColumns(readTable),
    columns: opts.narrow ? NARROW_COLUMNS : null,
    postgresPid,
    gzipLevel: opts.gzipLevel,
    parquetCompression: opts.parquetCompression,
    s3: { endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials },
    bucket,
    tmpDir,
    liteQuery,
  };
  const s3client = s3.client();
  const results = [];
  for (const s of skipped) log(`skipping ${s.name}: ${s.reason}`);
  for (const c of selected) {
    // Best of N: on a shared machine the fastest run is the one least disturbed by other work.
    let r;
    for (let i = 0; i < opts.repeat; i++) {
      log(`running ${c.name}${opts.repeat > 1 ? ` (${i + 1}/${opts.repeat})` : ''}`);
      const one = await runContender({ ...base, name: c.name, tuned: c.tuned === true, prefix: `bench/${c.name}/${i}` }, tuning);
      if (r === undefined || one.wallMs < r.wallMs) r = one;
    }
    let check;
    if (c.format === undefined) {
      check = r.outBytes > 0 ? { ok: true, detail: 'reference pipeline' } : { ok: false, detail: 'no bytes came out' };
    } else {
      const paths = r.files ?? (await download(s3client, bucket, r.keys, tmpDir));
      const back = await readBack(DuckDBInstance, c.format, paths, base.duckColumns);
      const problems = [];
      if (r.rows !== source.rows) problems.push(`reported ${r.rows} rows, PostgreSQL has ${source.rows}`);
      if (back.rows !== source.rows) problems.push(`read back ${back.rows} rows, PostgreSQL has ${source.rows}`);
      if (back.priceeach !== source.priceeach) problems.push(`sum(priceeach) ${back.priceeach} ≠ ${source.priceeach}`);
      if (back.sales !== source.sales) problems.push(`sum(sales) ${back.sales} ≠ ${source.sales}`);
      check = problems.length === 0 ? { ok: true, detail: `rows ${back.rows}, sum(priceeach) ${back.priceeach}, sum(sales) ${back.sales}` } : { ok: false, detail: problems.join('; ') };
      if (!check.ok) exitCode = 1;
      for (const p of [...paths, join(tmpDir, 'peer.csv')]) await rm(p, { force: true });
    }
    results.push({ ...c, ...r, check });
    log(`${c.name}: ${(r.wallMs / 1000).toFixed(2)} s, cpu ${r.cpuSeconds?.toFixed(2)} s, PostgreSQL cpu ${r.postgresCpuSeconds?.toFixed(2)} s, s3 cpu ${r.s3CpuSeconds?.toFixed(2)} s, machine cpu ${r.machineCpuSeconds?.toFixed(2)} s, peak RSS ${Math.round(r.peakRssKb / 1024)} MiB, ${check.ok ? 'check ok' : `CHECK FAILED: ${check.detail}`}`);
  }
  const copy = results.find((r) => r.name === 'copy');
  const baseFig = { csvBytes: copy.outBytes, copyMs: copy.wallMs, walls: Object.fromEntries(results.map((r) => [r.name, r.wallMs])) };
  const result = {
    rows: opts.rows,
    gzipLevel: opts.gzipLevel,
    parquetCompression: opts.parquetCompression,
    repeat: opts.repeat,
    columns: { read: columns.map((c) => c.name), of: sales.SALES_TABLE.columns.length },
    floeTuning: { v8Flags: tuning.v8Flags, env: tuning.env },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.versions.node, postgres: serverVersion, floorVia: psql ? 'psql' : 'pg-copy-streams', floorSelectVia, loadAverage: { atStart: loadAtStart, atEnd: loadavg()[0] } },
    source: { csvBytes: copy.outBytes, sumPriceeach: source.priceeach, sumSales: source.sales },
    contenders: results.map((r) => figures(r, baseFig)),
    skipped,
  };
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${table(result)}\n`);
} catch (e) {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  exitCode = 1;
} finally {
  await s3?.stop().catch(() => undefined);
  await postgres?.stop().catch(() => undefined);
  await rm(tmpDir, { recursive: true, force: true });
}
process.exit(exitCode);

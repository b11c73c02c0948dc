// One contender of the benchmark, run in its own process so its peak RSS and CPU are its own. Takes
// a JSON spec as argv[2], does the work, and prints one JSON line: rows, bytes, wall time, peak RSS,
// CPU seconds (its own and the machine's). Module loading happens before the clock starts; the clock
// stops when the output is complete.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { startClock } from './cpu.mjs';
import { watchDescendants } from './rss.mjs';
import { importDist, importFrom, requireFrom } from './workspace.mjs';
import { PGOPTIONS } from './sql.mjs';

const spec = JSON.parse(process.argv[2]);

/**
 * This process's own peak resident memory, in KiB: the kernel's high-water mark of its address
 * space (`VmHWM`, worker threads included). Not `getrusage`'s maxRSS: Linux carries that figure
 * over from before `exec`, so a contender spawned by a large parent (the bench, after DuckDB has
 * read back ten million rows) would report the parent's size as its own.
 */
function ownPeakRssKb() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // No /proc (not Linux): fall back below.
  }
  return process.resourceUsage().maxRSS;
}
// Whose CPU counts besides ours: the PostgreSQL server's tree, and the parent, where s3rver runs.
const servers = { postgresPid: spec.postgresPid ?? undefined, s3Pid: process.ppid };

/** Runs a bash pipeline, returns its stdout; peak RSS is the pipeline's processes' sum. */
function shell(script, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = watchDescendants(process.pid);
    let out = '';
    let errText = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (errText += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const peakKb = stop();
      if (code === 0) resolve({ out, peakKb });
      else reject(new Error(`pipeline failed (exit ${code}): ${errText.trim()}`));
    });
  });
}

// The statement travels in an environment variable, so no shell quoting can alter it.
const psqlCopy = () => 'psql "$BENCH_PG_URL" -X -q -v ON_ERROR_STOP=1 -c "$BENCH_COPY"';
const pgEnv = () => ({ BENCH_PG_URL: spec.pgUrl, BENCH_COPY: `COPY (${spec.select}) TO STDOUT (FORMAT csv)`, PGOPTIONS });

/** COPY through pg-copy-streams into a sink, when psql is not on the PATH. */
async function nodeCopy(select, sink) {
  const pg = requireFrom('packages/core')('pg');
  const { to } = requireFrom('packages/core')('pg-copy-streams');
  const client = new pg.Client({ connectionString: spec.pgUrl, options: PGOPTIONS });
  await client.connect();
  try {
    const stream = client.query(to(`COPY (${select}) TO STDOUT (FORMAT csv)`));
    await pipeline(stream, ...sink);
    return stream.rowCount;
  } finally {
    await client.end();
  }
}

function counter() {
  const c = new Writable({
    write(chunk, _e, done) {
      c.bytes += chunk.length;
      done();
    },
  });
  c.bytes = 0;
  return c;
}

async function floor(gzip) {
  if (spec.psql) {
    const stop = startClock(servers);
    const { out, peakKb } = await shell(`${psqlCopy()}${gzip ? ` | gzip -${spec.gzipLevel}` : ''} | wc -c`, pgEnv());
    return { ...stop(), rows: spec.rows, outBytes: Number(out.trim()), peakRssKb: peakKb, via: 'psql' };
  }
  const sink = counter();
  const stop = startClock(servers);
  const rows = await nodeCopy(spec.select, gzip ? [createGzip({ level: spec.gzipLevel }), sink] : [sink]);
  return { ...stop(), rows, outBytes: sink.bytes, peakRssKb: ownPeakRssKb(), via: 'pg-copy-streams' };
}

async function duckdbPeer() {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const csv = `${spec.tmpDir}/peer.csv`;
  const parquet = `${spec.tmpDir}/peer.parquet`;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const stop = startClock(servers);
  const t0 = performance.now();
  let extractKb = 0;
  if (spec.psql) extractKb = (await shell(`${psqlCopy()} > '${csv}'`, pgEnv())).peakKb;
  else await nodeCopy(spec.select, [createWriteStream(csv)]);
  const extractMs = performance.now() - t0;
  await conn.run(`COPY (SELECT * FROM read_csv('${csv}', header = false, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, columns = ${spec.duckColumns})) TO '${parquet}' (FORMAT parquet, COMPRESSION ${spec.parquetCompression})`);
  const measured = stop();
  conn.closeSync();
  const { statSync } = await import('node:fs');
  return { ...measured, extractMs, rows: spec.rows, outBytes: statSync(parquet).size, peakRssKb: Math.max(extractKb, ownPeakRssKb()), files: [parquet] };
}

async function floe(kind, { gzipConcurrency, split } = {}) {
  const core = await importDist('packages/core');
  const client = core.createS3Client({ region: spec.s3.region, endpoint: spec.s3.endpoint, forcePathStyle: true, credentials: spec.s3.credentials });
  const uploader = core.createS3Uploader({ client, bucket: spec.bucket, prefix: spec.prefix });
  const source = kind === 'parquetjs-lite' ? { query: { sql: spec.liteQuery, name: 'sales' } } : { table: { schema: 'public', name: 'sales' } };
  // A query source already selects the columns; a table source narrows through the extractor's option.
  const columns = spec.columns && 'table' in source ? { columns: spec.columns } : {};
  const extractor = core.createPostgresExtractor({ connection: { connectionString: spec.pgUrl }, ...source, ...columns, ...(split ? { split } : {}) });
  const serializer =
    kind === 'csv'
      ? core.createCsvSerializer({ gzipLevel: spec.gzipLevel, ...(gzipConcurrency ? { gzipConcurrency } : {}) })
      : core.createParquetSerializer({ engine: kind, compression: spec.parquetCompression });
  if (kind === 'arrow') await importFrom('packages/core', 'parquet-wasm'); // load the wasm before the clock
  const stop = startClock(servers);
  const report = await core.runExtract({ table: 'sales', extractor, serializer, uploader }, { kind: 'full' });
  const measured = stop();
  if (report.isErr()) throw new Error(core.formatError(report.error));
  const r = report.value;
  client.destroy();
  return { ...measured, rows: r.rows, outBytes: r.bytes, peakRssKb: ownPeakRssKb(), keys: r.files.map((f) => f.key), parts: r.files.length };
}

const runners = {
  'copy': () => floor(false),
  'copy-gzip': () => floor(true),
  'duckdb-peer': duckdbPeer,
  'floe-csv': () => floe('csv'),
  'floe-csv-plain': () => floe('csv'),
  'floe-csv-1-gzip': () => floe('csv', { gzipConcurrency: 1 }),
  'floe-csv-split2': () => floe('csv', { split: { slices: 2 } }),
  'floe-parquet-arrow': () => floe('arrow'),
  'floe-parquet-plain': () => floe('arrow'),
  'floe-parquet-parquetjs-lite': () => floe('parquetjs-lite'),
  'floe-parquet-split2': () => floe('arrow', { split: { slices: 2 } }),
};

try {
  const run = runners[spec.name];
  if (!run) throw new Error(`unknown contender ${spec.name}`);
  const result = await run();
  // How this process was started, so the report shows which contenders ran under the CLI's tuning.
  const node = { v8Flags: process.execArgv, mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null, mallocMmapThreshold: process.env.MALLOC_MMAP_THRESHOLD_ ?? null };
  process.stdout.write(`${JSON.stringify({ ...result, node })}\n`);
  process.exit(0);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
}

import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';

// `npm run bench` at 10,000 rows, so the script cannot rot. It asserts that every contender ran
// and that its figures are sane and its output exact, never a speed.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) t = Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs);
  return t;
}

interface Figures {
  readonly name: string;
  readonly wallSeconds: number;
  readonly rowsPerSecond: number;
  readonly mbPerSecond: number;
  readonly outputMb: number;
  readonly peakRssMb: number;
  readonly cpuSeconds: number | null;
  readonly postgresCpuSeconds: number | null;
  readonly s3CpuSeconds: number | null;
  readonly machineCpuSeconds: number | null;
  readonly coresBusy: number | null;
  readonly ratioToCopy: number;
  readonly ratioToReference: number | null;
  readonly rows: number;
  readonly check: { readonly ok: boolean; readonly detail: string };
  readonly parts?: number;
  readonly node: { readonly v8Flags: readonly string[]; readonly mallocArenaMax: string | null; readonly mallocMmapThreshold: string | null };
}

interface BenchResult {
  readonly rows: number;
  readonly columns: { readonly read: readonly string[]; readonly of: number };
  readonly machine: { readonly floorSelectVia: string };
  readonly floeTuning: { readonly v8Flags: readonly string[]; readonly env: Readonly<Record<string, string>> };
  readonly source: { readonly csvBytes: number; readonly sumPriceeach: string; readonly sumSales: string };
  readonly contenders: readonly Figures[];
  readonly skipped: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
}

const ALL = ['copy', 'copy-gzip', 'duckdb-peer', 'floe-csv', 'floe-csv-plain', 'floe-csv-1-gzip', 'floe-csv-split2', 'floe-parquet-arrow', 'floe-parquet-plain', 'floe-parquet-split2', 'floe-parquet-parquetjs-lite'];
/** Contenders run under Node's defaults; every other floe contender runs under the CLI's settings. */
const PLAIN = ['floe-csv-plain', 'floe-parquet-plain'];
/** The contenders of the `--narrow` run. */
const NARROW_CONTENDERS = ['copy', 'copy-gzip', 'duckdb-peer', 'floe-csv', 'floe-parquet-arrow'];
const SPLIT = ['floe-csv-split2', 'floe-parquet-split2'];
const NARROW = ['ordernumber', 'orderlinenumber', 'quantityordered', 'priceeach', 'sales', 'orderdate', 'productcode', 'status'];

// Whether core's sources give the PostgreSQL extractor a `split` option: then the (fresh) build has
// it too, and the split contenders must run instead of being skipped.
const splitInCore = readdirSync(join(root, 'packages', 'core', 'src', 'postgres')).some((f) => /\bsplit\?\s*:/.test(readFileSync(join(root, 'packages', 'core', 'src', 'postgres', f), 'utf8')));

function bench(...args: string[]): BenchResult {
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'bench.mjs'), '--rows', '10000', '--json', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as BenchResult;
}

function expectSane(result: BenchResult, expected: readonly string[] = ALL): void {
  expect(result.rows).toBe(10_000);
  expect(result.source.sumPriceeach).toMatch(/^\d+\.\d{2}$/);
  expect(result.source.sumSales).toMatch(/^\d+\.\d{2}$/);
  // The floor runs floe's own select list whenever core exports it.
  expect(result.machine.floorSelectVia).toBe('renderSelectList' in core ? 'renderSelectList' : 'renderColumn');
  const ran = result.contenders.map((c) => c.name);
  const skipped = result.skipped.map((s) => s.name);
  expect(ran, 'the split contenders run once core has the option').toEqual(expected.filter((n) => splitInCore || !SPLIT.includes(n)));
  expect(skipped).toEqual(splitInCore ? [] : SPLIT.filter((n) => expected.includes(n)));
  for (const s of result.skipped) expect(s.reason).toMatch(/split/);
  for (const c of result.contenders) {
    expect(c.check, c.name).toMatchObject({ ok: true });
    expect(c.rows, c.name).toBe(10_000);
    for (const v of [c.wallSeconds, c.rowsPerSecond, c.mbPerSecond, c.outputMb, c.peakRssMb, c.ratioToCopy, c.cpuSeconds, c.machineCpuSeconds, c.coresBusy]) {
      expect(typeof v === 'number' && Number.isFinite(v) && v > 0, `${c.name}: ${v}`).toBe(true);
    }
    // The contender's CPU is part of the machine's, and no interval keeps more cores busy than
    // there are (both with room for the 10 ms granularity of the kernel's counters).
    expect(c.cpuSeconds!, c.name).toBeLessThanOrEqual(c.machineCpuSeconds! * 1.1 + 0.1);
    expect(c.coresBusy!, c.name).toBeLessThanOrEqual(cpus().length * 1.5);
    // The servers' shares are read per process tree in 10 ms ticks: a short run may round to 0.
    for (const v of [c.postgresCpuSeconds, c.s3CpuSeconds]) expect(typeof v === 'number' && v >= 0 && v <= c.machineCpuSeconds! * 1.1 + 0.1, `${c.name}: ${v}`).toBe(true);
    // Peak RSS is per contender: a pipeline of psql and gzip, or one Node process (never 0, never the 24 GB machine).
    expect(c.peakRssMb, c.name).toBeLessThan(4096);
    if (c.name.startsWith('floe-')) {
      expect(c.ratioToReference, c.name).toBeGreaterThan(0);
      // Read back by DuckDB: the row count and the exact sums of both money columns.
      expect(c.check.detail, c.name).toContain('rows 10000');
      expect(c.check.detail, c.name).toContain(`sum(priceeach) ${result.source.sumPriceeach}`);
      expect(c.check.detail, c.name).toContain(`sum(sales) ${result.source.sumSales}`);
    }
    // The floe contenders ran as the CLI runs (its V8 flags and malloc settings), but the plain ones.
    if (c.name.startsWith('floe-')) {
      const tuned = !PLAIN.includes(c.name);
      expect(c.node, c.name).toEqual({
        v8Flags: tuned ? result.floeTuning.v8Flags : [],
        mallocArenaMax: tuned ? result.floeTuning.env.MALLOC_ARENA_MAX : null,
        mallocMmapThreshold: tuned ? result.floeTuning.env.MALLOC_MMAP_THRESHOLD_ : null,
      });
    }
    // Each slice writes its own parts: two slices that both found rows make at least two.
    if (SPLIT.includes(c.name)) expect(c.parts, c.name).toBeGreaterThanOrEqual(2);
  }
  // Every contender had PostgreSQL render its rows, and every floe contender uploaded to the S3 server.
  const sum = (xs: readonly Figures[], f: (c: Figures) => number | null): number => xs.reduce((a, c) => a + (f(c) ?? 0), 0);
  expect(result.floeTuning.v8Flags.length).toBeGreaterThan(0);
  expect(sum(result.contenders, (c) => c.postgresCpuSeconds)).toBeGreaterThan(0);
  expect(sum(result.contenders.filter((c) => c.name.startsWith('floe-')), (c) => c.s3CpuSeconds)).toBeGreaterThan(0);
  // gzip output is smaller than the CSV it compresses.
  const copy = result.contenders.find((c) => c.name === 'copy')!;
  const floor = result.contenders.find((c) => c.name === 'copy-gzip')!;
  expect(floor.outputMb).toBeLessThan(copy.outputMb);
}

describe('npm run bench', () => {
  // The bench runs the built packages, as users do; `npm test` builds them first.
  const fresh = (): void => {
    for (const pkg of ['packages/core', 'packages/cli', 'packages/testkit', 'examples/sales']) {
      expect(newest(join(root, pkg, 'dist')), `${pkg}/dist is older than its src/: run \`node scripts/setup.mjs\` (npm test does) before this test`).toBeGreaterThanOrEqual(newest(join(root, pkg, 'src')));
    }
  };

  let wide: BenchResult;
  it('measures every contender at 10,000 rows, with exact read-backs and sane figures', { timeout: 600_000 }, () => {
    fresh();
    wide = bench();
    expect(wide.columns.read).toHaveLength(26);
    expect(wide.columns.of).toBe(26);
    expect(wide.source.csvBytes).toBeGreaterThan(10_000 * 100);
    expectSane(wide);
  });

  it('--narrow reads 8 columns in every contender, with the same exact money sums', { timeout: 600_000 }, () => {
    fresh();
    // The column narrowing is the point here: one floe contender per format (the others run above).
    const narrow = bench('--narrow', '--only', NARROW_CONTENDERS.join(','));
    expect(narrow.columns).toEqual({ read: NARROW, of: 26 });
    // About 80 bytes of CSV a row instead of about 235: the floor read the narrow SELECT too.
    expect(narrow.source.csvBytes).toBeGreaterThan(10_000 * 50);
    expect(narrow.source.csvBytes).toBeLessThan(10_000 * 100);
    expectSane(narrow, NARROW_CONTENDERS);
    // The generator is deterministic: the narrow run sums the same money as the wide one.
    if (wide !== undefined) expect({ p: narrow.source.sumPriceeach, s: narrow.source.sumSales }).toEqual({ p: wide.source.sumPriceeach, s: wide.source.sumSales });
  });
});

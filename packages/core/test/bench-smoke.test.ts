import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
  readonly ratioToCopy: number;
  readonly ratioToReference: number | null;
  readonly rows: number;
  readonly check: { readonly ok: boolean; readonly detail: string };
}

describe('npm run bench', () => {
  it('measures every contender at 10,000 rows, with exact read-backs and sane figures', { timeout: 600_000 }, () => {
    // The bench runs the built packages, as users do; `npm test` builds them first.
    for (const pkg of ['packages/core', 'packages/testkit', 'examples/sales']) {
      expect(newest(join(root, pkg, 'dist')), `${pkg}/dist is older than its src/: run \`node scripts/setup.mjs\` (npm test does) before this test`).toBeGreaterThanOrEqual(newest(join(root, pkg, 'src')));
    }
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'bench.mjs'), '--rows', '10000', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { rows: number; source: { csvBytes: number; sumPriceeach: string }; contenders: Figures[] };
    expect(result.rows).toBe(10_000);
    expect(result.source.csvBytes).toBeGreaterThan(10_000 * 100);
    expect(result.source.sumPriceeach).toMatch(/^\d+\.\d{2}$/);
    expect(result.contenders.map((c) => c.name)).toEqual(['copy', 'copy-gzip', 'duckdb-peer', 'floe-csv', 'floe-csv-1-gzip', 'floe-parquet-arrow', 'floe-parquet-parquetjs-lite']);
    for (const c of result.contenders) {
      expect(c.check, c.name).toMatchObject({ ok: true });
      expect(c.rows, c.name).toBe(10_000);
      for (const v of [c.wallSeconds, c.rowsPerSecond, c.mbPerSecond, c.outputMb, c.peakRssMb, c.ratioToCopy]) expect(Number.isFinite(v) && v > 0, `${c.name}: ${v}`).toBe(true);
      // Peak RSS is per contender: a pipeline of psql and gzip, or one Node process (never 0, never the 24 GB machine).
      expect(c.peakRssMb, c.name).toBeLessThan(4096);
      if (c.name.startsWith('floe-')) {
        expect(c.ratioToReference, c.name).toBeGreaterThan(0);
        // Read back by DuckDB: the row count and the exact sums of both money columns.
        expect(c.check.detail, c.name).toContain(`sum(priceeach) ${result.source.sumPriceeach}`);
      }
    }
    // gzip output is smaller than the CSV it compresses.
    const copy = result.contenders.find((c) => c.name === 'copy')!;
    const floor = result.contenders.find((c) => c.name === 'copy-gzip')!;
    expect(floor.outputMb).toBeLessThan(copy.outputMb);
  });
});

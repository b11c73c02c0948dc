import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root: the nearest folder above this file that holds pnpm-workspace.yaml. */
export function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('floe testkit: no pnpm-workspace.yaml above this file');
    dir = up;
  }
  return dir;
}

/**
 * Where the real Kaggle data set lives: `../shared/data/sales_data_sample.csv` beside the clone
 * (FLOE_SALES_CSV overrides). The project never ships the file, so tests that need it skip when
 * this returns `undefined`, and say why.
 */
export function salesCsvPath(): string | undefined {
  const p = process.env.FLOE_SALES_CSV ?? resolve(workspaceRoot(), '..', 'shared', 'data', 'sales_data_sample.csv');
  return existsSync(p) ? p : undefined;
}

export const SALES_CSV_MISSING =
  'the real data set ../shared/data/sales_data_sample.csv is absent beside this clone (set FLOE_SALES_CSV to point at it)';

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), s.mtimeMs);
}

/**
 * The bundle tests run the built deployment package, so it must match the sources: rebuild it
 * (bundle + zip, a few seconds) when any source it is made of is newer than the zip.
 */
export default function setup(): void {
  const zip = join(pkgDir, 'dist', 'lambda.zip');
  const inputs = [
    join(pkgDir, 'src'),
    join(pkgDir, 'tsup.lambda.config.ts'),
    join(pkgDir, 'scripts', 'make-zip.mjs'),
    join(pkgDir, '..', 'core', 'src'),
    join(pkgDir, '..', 'snowflake-ddl', 'src'),
  ];
  if (existsSync(join(pkgDir, 'dist', 'lambda', 'index.mjs')) && newest(zip) > Math.max(...inputs.map(newest))) return;
  const tsup = join(pkgDir, '..', '..', 'node_modules', '.bin', 'tsup');
  const build = spawnSync(tsup, ['--config', 'tsup.lambda.config.ts', '--silent'], { cwd: pkgDir, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`Building the Lambda bundle failed:\n${build.stdout}\n${build.stderr}`);
  const zipped = spawnSync(process.execPath, ['scripts/make-zip.mjs'], { cwd: pkgDir, encoding: 'utf8' });
  if (zipped.status !== 0) throw new Error(`Zipping the Lambda bundle failed:\n${zipped.stdout}\n${zipped.stderr}`);
}

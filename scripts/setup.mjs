// Brings a fresh clone to a runnable state with nothing but Node and npm on the machine:
// pnpm (pinned, fetched through npx when absent), a frozen install, and a build of every package.
// Re-running is cheap: pnpm and tsup both finish in seconds when nothing changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.4.2';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ['pnpm'];
  return ['npx', '--yes', `pnpm@${PNPM_VERSION}`];
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`setup: '${[cmd, ...args].join(' ')}' failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const [pnpm, ...pre] = pnpmCommand();
const quiet = process.env.FLOE_SETUP_VERBOSE ? {} : { stdio: ['ignore', 'ignore', 'inherit'] };
run(pnpm, [...pre, 'install', '--frozen-lockfile', '--reporter=silent'], quiet);

// Build only what changed since its last build: the CLI, the Lambda bundle and the examples run from dist/.
const order = ['packages/snowflake-ddl', 'packages/core', 'packages/snowflake-local', 'packages/testkit', 'examples/sales', 'packages/cli', 'packages/lambda'];
for (const pkg of order) {
  const dir = join(root, pkg);
  if (!existsSync(join(dir, 'package.json'))) continue;
  const built = newestMtime(join(dir, 'dist'));
  // A bundle (the Lambda's) inlines its workspace dependencies: their sources count as its own.
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const workspaceDeps = Object.entries({ ...manifest.dependencies }).filter(([, v]) => String(v).startsWith('workspace:')).map(([name]) => name);
  const depDirs = order.filter((d) => existsSync(join(root, d, 'package.json')) && workspaceDeps.includes(JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8')).name));
  const source = Math.max(
    newestMtime(join(dir, 'src')),
    ...depDirs.map((d) => newestMtime(join(root, d, 'src'))),
    statSync(join(dir, 'package.json')).mtimeMs,
    existsSync(join(dir, 'tsup.config.ts')) ? statSync(join(dir, 'tsup.config.ts')).mtimeMs : 0,
  );
  if (built > source && !process.env.FLOE_REBUILD) continue;
  run(pnpm, [...pre, '--filter', `./${pkg}`, 'run', '--silent', 'build'], quiet);
}

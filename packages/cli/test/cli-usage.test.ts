import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './cli-process.js';

const COMMANDS = ['init', 'check', 'ddl', 'iam', 'provision', 'run', 'backfill', 'status', 'verify', 'demo'] as const;

let dir: string;
beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'floe-cli-usage-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('floe --help', () => {
  it('lists every command and the exit code table', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toMatch(/3\s+a check failed, or verify found differences/);
  });

  it.each(COMMANDS)('floe %s --help exits 0 and shows an example and the global options', async (c) => {
    const r = await runCli([c, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(`$ floe ${c}`);
    expect(r.stdout).toContain('--json');
    expect(r.stdout).toContain('--config <path>');
  });
});

describe('usage errors exit 2 with a clear message', () => {
  it('an unknown flag', async () => {
    const r = await runCli(['run', '--dat', '2005-05-31']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--dat'");
    expect(r.stderr).toContain('--date');
  });

  it('an unknown command', async () => {
    const r = await runCli(['extract']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'extract'");
  });

  it('a missing required flag, as one JSON object with --json', async () => {
    const r = await runCli(['backfill', '--from', '2005-05-01', '--json']);
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout) as { ok: boolean; exitCode: number; error: { kind: string; message: string } };
    expect(body).toMatchObject({ ok: false, exitCode: 2, error: { kind: 'usage' } });
    expect(body.error.message).toContain('--to');
  });

  it('a date that is not a calendar date', async () => {
    const r = await runCli(['run', '--date', '2005-02-30', '--config', join(dir, 'absent.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'2005-02-30' is not a calendar date");
  });

  it('a missing config file names the file and floe init', async () => {
    const r = await runCli(['run', '--date', '2005-05-31', '--config', join(dir, 'absent.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[config]');
    expect(r.stderr).toContain('absent.yaml');
    expect(r.stderr).toContain('floe init');
  });

  it('a bad config key names the key path', async () => {
    const path = join(dir, 'bad-key.yaml');
    await writeFile(path, 'source: { url: "postgres://u@127.0.0.1:5432/db" }\ntables:\n  - name: sales\n    source: { schema: public, table: sales }\n    window: { kind: day, colum: orderdate }\nstorage: { kind: local, dir: ./out }\n');
    const r = await runCli(['run', '--date', '2005-05-31', '--config', path, '--json']);
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout) as { error: { kind: string; message: string; object: string } };
    expect(body.error.kind).toBe('config');
    expect(body.error.message).toContain('tables[0].window');
    expect(r.stderr).toContain('tables[0].window');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });
});

describe('floe init', () => {
  it('writes the commented sample config, refuses to overwrite it, and --force does', async () => {
    const path = join(dir, 'floe.config.yaml');
    const first = await runCli(['init', '--config', path, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ command: 'init', ok: true, written: true });
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(path, 'utf8');
    expect(text).toContain('# ');
    expect(text).toMatch(/^tables:/m);
    const again = await runCli(['init', '--config', path]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    const forced = await runCli(['init', '--config', path, '--force']);
    expect(forced.code).toBe(0);
  });
});

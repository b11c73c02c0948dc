import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_TUNING, planRelaunch, type ProcessState } from '../src/node-tuning.js';
import { ensureBuilt, runCli } from './cli-process.js';

const base: ProcessState = {
  execPath: '/opt/node/bin/node',
  execArgv: [],
  argv: ['/opt/node/bin/node', '/app/floe/dist/bin.js', 'run', '--date', '2005-05-31'],
  env: { PATH: '/usr/bin', HOME: '/home/etl' },
  platform: 'linux',
  canExecve: true,
};

describe('planRelaunch', () => {
  it('restarts the same command with the V8 flags first and the malloc settings added', () => {
    const plan = planRelaunch(base);
    expect(plan).toEqual({
      file: '/opt/node/bin/node',
      args: ['/opt/node/bin/node', '--max-semi-space-size=4', '--optimize-for-size', '/app/floe/dist/bin.js', 'run', '--date', '2005-05-31'],
      env: { PATH: '/usr/bin', HOME: '/home/etl', MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', FLOE_TUNED: 'MALLOC_ARENA_MAX,MALLOC_MMAP_THRESHOLD_' },
    });
  });

  it("keeps the user's own flags and variables, and their order", () => {
    const plan = planRelaunch({ ...base, execArgv: ['--max_semi_space_size=16', '--enable-source-maps'], env: { ...base.env, MALLOC_ARENA_MAX: '4' } });
    expect(plan?.args).toEqual(['/opt/node/bin/node', '--optimize-for-size', '--max_semi_space_size=16', '--enable-source-maps', '/app/floe/dist/bin.js', 'run', '--date', '2005-05-31']);
    expect(plan?.env.MALLOC_ARENA_MAX).toBe('4');
    expect(plan?.env.MALLOC_MMAP_THRESHOLD_).toBe('131072');
    expect(plan?.env.FLOE_TUNED).toBe('MALLOC_MMAP_THRESHOLD_');
  });

  it('reads flags given through NODE_OPTIONS as the user’s', () => {
    const plan = planRelaunch({ ...base, env: { ...base.env, NODE_OPTIONS: '--max-semi-space-size=8  --no-warnings' } });
    expect(plan?.args.slice(1, 3)).toEqual(['--optimize-for-size', '/app/floe/dist/bin.js']);
  });

  it('does nothing when there is nothing to add, when already tuned, when opted out, or without execve', () => {
    const everything = { ...base, execArgv: [...NODE_TUNING.v8Flags], env: { ...base.env, ...NODE_TUNING.env } };
    expect(planRelaunch(everything)).toBeNull();
    expect(planRelaunch({ ...base, env: { ...base.env, FLOE_TUNED: '' } })).toBeNull();
    expect(planRelaunch({ ...base, env: { ...base.env, FLOE_NODE_TUNING: 'off' } })).toBeNull();
    expect(planRelaunch({ ...base, canExecve: false })).toBeNull();
    expect(planRelaunch({ ...base, platform: 'win32' })).toBeNull();
    expect(planRelaunch({ ...base, env: { ...base.env, FLOE_NODE_TUNING: 'on' } })).not.toBeNull();
  });
});

// The built binary, observed from outside: a preload module records what each process image sees.
describe('the floe binary', () => {
  let dir: string;
  let probe: string;
  let out: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'floe-tuning-'));
    probe = join(dir, 'probe.cjs');
    out = join(dir, 'seen.jsonl');
    writeFileSync(probe, "require('node:fs').appendFileSync(process.env.PROBE_OUT, JSON.stringify({ pid: process.pid, execArgv: process.execArgv, arena: process.env.MALLOC_ARENA_MAX ?? null }) + '\\n');\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const seen = (): Array<{ pid: number; execArgv: string[]; arena: string | null }> =>
    readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pid: number; execArgv: string[]; arena: string | null });

  it('replaces itself once, tuned, in the same process, where Node has execve', async () => {
    rmSync(out, { force: true });
    const r = await runCli(['--version'], { env: { NODE_OPTIONS: `--require ${probe}`, PROBE_OUT: out, MALLOC_ARENA_MAX: undefined, MALLOC_MMAP_THRESHOLD_: undefined, FLOE_TUNED: undefined, FLOE_NODE_TUNING: undefined } });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const images = seen();
    if (typeof (process as unknown as { execve?: unknown }).execve !== 'function') {
      // Node 20: no execve, so one untuned image.
      expect(images).toEqual([{ pid: images[0]!.pid, execArgv: [], arena: null }]);
      return;
    }
    expect(images).toHaveLength(2);
    expect(images[1]!.pid).toBe(images[0]!.pid);
    expect(images[0]!.execArgv).toEqual([]);
    expect(images[1]!.execArgv).toEqual([...NODE_TUNING.v8Flags]);
    expect(images[1]!.arena).toBe('2');
  });

  it('runs under Node’s defaults with FLOE_NODE_TUNING=off', async () => {
    rmSync(out, { force: true });
    const r = await runCli(['--version'], { env: { NODE_OPTIONS: `--require ${probe}`, PROBE_OUT: out, FLOE_NODE_TUNING: 'off', FLOE_TUNED: undefined } });
    expect(r.code).toBe(0);
    expect(seen()).toHaveLength(1);
    expect(seen()[0]!.execArgv).toEqual([]);
  });
});

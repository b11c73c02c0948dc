import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@floe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../src/demo/local-stack.js';
import { ensureBuilt, runCli } from './cli-process.js';

interface CheckBody {
  ok: boolean;
  exitCode: number;
  checks: Array<{ service: string; ok: boolean; detail: string; error?: { kind: string; message: string; hint: string } }>;
}

let stack: LocalStack;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  stack = await startLocalStack({ data: { kind: 'generated' } });
  dir = await mkdtemp(join(tmpdir(), 'floe-cli-check-'));
});
afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Writes the stack's config with one section changed and runs `floe check --json` on it. */
type ConfigObject = Record<string, Record<string, unknown>>;

async function check(name: string, change: (c: ConfigObject) => void, env: Record<string, string> = {}): Promise<{ code: number | null; body: CheckBody; stderr: string }> {
  const config = structuredClone(stack.rawConfig) as ConfigObject;
  change(config);
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(config, null, 2));
  const r = await runCli(['check', '--config', path, '--json'], { env: { ...stack.env, ...env } });
  return { code: r.code, body: JSON.parse(r.stdout) as CheckBody, stderr: r.stderr };
}

const service = (b: CheckBody, s: string) => b.checks.find((c) => c.service === s)!;

describe('floe check', () => {
  it('reports all three services OK (exit 0) when they are up', async () => {
    const r = await check('ok', () => undefined);
    expect(r.body.checks.map((c) => [c.service, c.ok])).toEqual([
      ['postgresql', true],
      ['storage', true],
      ['snowflake', true],
    ]);
    expect(r.code).toBe(0);
    expect(service(r.body, 'snowflake').detail).toContain('FLOE_SVC');
  });

  it('a dead PostgreSQL port: source_unreachable naming host and port, exit 3', async () => {
    const port = await freePort();
    const r = await check('dead-pg', (c) => {
      c['source']!['url'] = `postgres://postgres@127.0.0.1:${port}/floe_demo`;
    });
    expect(r.code).toBe(3);
    const pg = service(r.body, 'postgresql');
    expect(pg.ok).toBe(false);
    expect(pg.error?.kind).toBe('source_unreachable');
    expect(pg.error?.message).toContain(`127.0.0.1:${port}`);
    expect(r.stderr).toContain('[source_unreachable]');
    expect(service(r.body, 'storage').ok).toBe(true);
  });

  it('a wrong PostgreSQL password: source_auth, the password never printed, exit 3', async () => {
    const wrong = 'not-the-password-42';
    const r = await check('bad-password', () => undefined, { FLOE_DEMO_PGPASSWORD: wrong });
    expect(r.code).toBe(3);
    const pg = service(r.body, 'postgresql');
    expect(pg.error?.kind).toBe('source_auth');
    expect(pg.error?.hint).toContain('FLOE_DEMO_PGPASSWORD');
    expect(JSON.stringify(r.body)).not.toContain(wrong);
    expect(r.stderr).not.toContain(wrong);
  });

  it('a missing bucket: bucket_missing naming the bucket, exit 3', async () => {
    const r = await check('no-bucket', (c) => {
      c['storage']!['bucket'] = 'no-such-floe-bucket';
    });
    expect(r.code).toBe(3);
    const s3 = service(r.body, 'storage');
    expect(s3.error?.kind).toBe('bucket_missing');
    expect(`${s3.error?.message} ${s3.error?.hint}`).toContain('no-such-floe-bucket');
    expect(service(r.body, 'postgresql').ok).toBe(true);
  });

  it('an unreachable Snowflake: snowflake_unreachable, exit 3', async () => {
    const port = await freePort();
    const r = await check('dead-snowflake', (c) => {
      c['snowflake']!['accessUrl'] = `http://127.0.0.1:${port}`;
    });
    expect(r.code).toBe(3);
    const sf = service(r.body, 'snowflake');
    expect(sf.ok).toBe(false);
    expect(sf.error?.kind).toBe('snowflake_unreachable');
    expect(r.stderr).toContain('[snowflake_unreachable]');
  });
});

import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, FloeLambdaError, watchDeadline } from '../src/index.js';

describe('stopping before the Lambda deadline', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let port = 0;

  beforeAll(async () => {
    // A "PostgreSQL" that accepts the TCP connection and never answers: the connect hangs, and no
    // abort can interrupt it (pg has no connect timeout by default).
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('answers with a timeout error even when the run is stuck where an abort cannot reach', async () => {
    const logs: string[] = [];
    const handler = createHandler({
      env: {
        FLOE_CONFIG: JSON.stringify({
          source: { host: '127.0.0.1', port, database: 'shop', user: 'floe' },
          tables: [{ name: 'sales', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate' } }],
          storage: { kind: 's3', bucket: 'never-written', endpoint: 'http://127.0.0.1:9', forcePathStyle: true },
        }),
        PGPASSWORD: 'not-used',
        FLOE_STOP_MARGIN_MS: '1000',
      },
      log: (l) => logs.push(l),
    });
    // 1.2 s left, stop 1 s before: the timer fires almost at once; the stuck connect gets 0.5 s
    // of grace (half the margin) to clean up, then the function answers.
    const deadline = Date.now() + 1200;
    const failure = await handler({ date: '2005-05-31' }, { awsRequestId: 'r', getRemainingTimeInMillis: () => deadline - Date.now() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FloeLambdaError);
    expect((failure as FloeLambdaError).kind).toBe('timeout');
    expect((failure as FloeLambdaError).message).toMatch(/^\[timeout\] The run for sales \(2005-05-31\) timed out/);
    expect(sockets.length).toBe(1);
    expect(JSON.parse(logs[0]!)).toMatchObject({ status: 'failed', runs: [{ table: 'sales', date: '2005-05-31', status: 'failed', error: { kind: 'timeout' } }] });
  });

  it('refuses to start when the remaining time is already under the margin', async () => {
    const watch = watchDeadline({ getRemainingTimeInMillis: () => 500 }, 1000);
    expect(watch.signal.aborted).toBe(true);
    expect(watch.leftAtStop).toBe(500);
    watch.dispose();
    const ample = watchDeadline({ getRemainingTimeInMillis: () => 60_000 }, 1000);
    expect(ample.signal.aborted).toBe(false);
    expect(ample.check()).toBe(false);
    ample.dispose();
  });
});

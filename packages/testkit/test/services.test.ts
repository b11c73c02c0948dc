import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import pg from 'pg';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, startS3, type LocalPostgres, type LocalS3, type S3ObjectEvent } from '../src/index.js';

describe('local services', () => {
  let pgServer: LocalPostgres;
  let s3: LocalS3;
  beforeAll(async () => {
    [pgServer, s3] = await Promise.all([startPostgres(), startS3({ buckets: ['tk'] })]);
  });
  afterAll(async () => {
    await Promise.all([pgServer?.stop(), s3?.stop()]);
  });

  it('serves a real PostgreSQL with exact numerics', async () => {
    const url = await pgServer.createDatabase('tk');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const r = await c.query<{ v: string }>("select (0.1::numeric + 0.2::numeric)::text as v");
    await c.end();
    expect(r.rows[0]?.v).toBe('0.3');
  });

  it('stores a streamed body intact and emits an object event', async () => {
    const events: S3ObjectEvent[] = [];
    s3.onEvent((e) => events.push(e));
    const body = Buffer.alloc(1000, 7);
    const client = s3.client();
    await client.send(new PutObjectCommand({ Bucket: 'tk', Key: 'a/b c.bin', Body: Readable.from([body]), ContentLength: body.length }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'tk', Key: 'a/b c.bin' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    client.destroy();
    expect(bytes.equals(body)).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ eventName: 'ObjectCreated:Put', bucket: 'tk', key: 'a/b c.bin' }));
  });
});

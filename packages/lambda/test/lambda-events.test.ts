import { describe, expect, it } from 'vitest';
import { parseInvocation, readLambdaSettings } from '../src/index.js';

describe('parseInvocation', () => {
  it('recognises both schedule shapes and every manual shape', () => {
    expect(parseInvocation({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-11-26T01:00:00Z', id: 'x', detail: {} })._unsafeUnwrap()).toEqual({
      kind: 'scheduled',
      time: new Date('2026-11-26T01:00:00Z'),
      via: 'eventbridge-rule',
    });
    expect(parseInvocation({ scheduledTime: '2026-11-26T01:00:00+01:00' })._unsafeUnwrap()).toEqual({ kind: 'scheduled', time: new Date('2026-11-26T00:00:00Z'), via: 'eventbridge-scheduler' });
    expect(parseInvocation({ date: '2024-02-29' })._unsafeUnwrap()).toEqual({ kind: 'days', dates: ['2024-02-29'] });
    expect(parseInvocation({ from: '2024-02-27', to: '2024-03-01', tables: ['sales'] })._unsafeUnwrap()).toEqual({ kind: 'days', dates: ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01'], tables: ['sales'] });
    expect(parseInvocation({ mode: 'cursor' })._unsafeUnwrap()).toEqual({ kind: 'cursor' });
    expect(parseInvocation({ mode: 'cursor', after: '2005-05-31 00:00:00', tables: ['sales'] })._unsafeUnwrap()).toEqual({ kind: 'cursor', after: '2005-05-31 00:00:00', tables: ['sales'] });
  });

  it('refuses what it does not understand, saying what to send instead', () => {
    const message = (event: unknown) => parseInvocation(event, { maxDays: 31 })._unsafeUnwrapErr().message;
    expect(message({})).toBe('The invocation event has an unknown shape (an empty object).');
    expect(message({ data: '2005-05-31' })).toBe('The invocation event has an unknown shape (keys data).');
    expect(message([1])).toBe('The invocation event must be a JSON object, got an array.');
    expect(message({ date: '2005-13-01' })).toBe('The manual event is not valid: date is not a calendar date.');
    expect(message({ date: '2005-05-31', table: 'sales' })).toMatch(/Unrecognized key: "table"/);
    expect(message({ from: '2005-05-02', to: '2005-05-01' })).toBe('The range starts after it ends (from 2005-05-02 > to 2005-05-01).');
    expect(message({ from: '2005-05-02' })).toMatch(/^The manual event is not valid: to /);
    expect(message({ from: '2005-01-01', to: '2005-12-31' })).toBe('The range 2005-01-01..2005-12-31 covers 365 days, more than the 31 one invocation may run.');
    expect(message({ mode: 'full' })).toMatch(/^The manual event is not valid: mode /);
    expect(message({ scheduledTime: 'yesterday' })).toBe('The scheduled event\'s time "yesterday" is not an ISO 8601 timestamp.');
    expect(parseInvocation({ date: 'x' })._unsafeUnwrapErr()).toMatchObject({ kind: 'bad_window', object: 'event' });
  });
});

describe('readLambdaSettings', () => {
  const config = {
    source: { host: 'db', database: 'shop', user: 'floe' },
    tables: [{ name: 'sales', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate' } }],
    storage: { kind: 's3', bucket: 'my-bucket' },
  };

  it('reads the config inline or from a packaged file, with the Lambda defaults', () => {
    const inline = readLambdaSettings({ FLOE_CONFIG: JSON.stringify(config), FLOE_SOURCE_PASSWORD_SECRET: 'floe/pg' })._unsafeUnwrap();
    expect(inline).toMatchObject({ password: { kind: 'secrets-manager', secretId: 'floe/pg', jsonKey: 'password' }, stopMarginMs: 30_000, maxDays: 31 });
    expect(inline.config.storage).toMatchObject({ kind: 's3', bucket: 'my-bucket', prefix: 'floe' });

    const read: string[] = [];
    const fromFile = readLambdaSettings({ FLOE_CONFIG_FILE: 'floe.yaml', LAMBDA_TASK_ROOT: '/var/task', FLOE_STOP_MARGIN_MS: '5000', FLOE_S3_PREFIX: 'exports' }, (p) => {
      read.push(p);
      return 'source: {host: db, database: shop, user: floe}\ntables: [{name: sales, source: {table: sales}, window: {kind: day, column: orderdate}}]\nstorage: {kind: s3, bucket: my-bucket}\n';
    })._unsafeUnwrap();
    expect(read).toEqual(['/var/task/floe.yaml']);
    expect(fromFile).toMatchObject({ password: { kind: 'env' }, stopMarginMs: 5000 });
    expect(fromFile.config.storage).toMatchObject({ prefix: 'exports' });
  });

  it('names the variable to fix', () => {
    const message = (env: Record<string, string>) => readLambdaSettings(env, () => {
      throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    })._unsafeUnwrapErr().message;
    expect(message({})).toBe('Neither FLOE_CONFIG nor FLOE_CONFIG_FILE is set: the function has no floe config.');
    expect(message({ FLOE_CONFIG_FILE: 'missing.json', LAMBDA_TASK_ROOT: '/var/task' })).toBe('The config file /var/task/missing.json could not be read (ENOENT).');
    expect(message({ FLOE_CONFIG: JSON.stringify({ ...config, storage: { kind: 'local', dir: 'out' } }) })).toMatch(/^The Lambda needs S3 storage/);
    expect(message({ FLOE_CONFIG: JSON.stringify(config), FLOE_STOP_MARGIN_MS: '30s' })).toBe('Environment variable FLOE_STOP_MARGIN_MS must be a whole number, got "30s".');
    expect(message({ FLOE_CONFIG: JSON.stringify({ ...config, tables: [] }) })).toMatch(/^Invalid floe config: tables/);
    expect(message({ FLOE_CONFIG: JSON.stringify({ ...config, source: { ...config.source, passwordEnv: 'DB_PASSWORD' } }) })).toMatch(/DB_PASSWORD/);
  });
});

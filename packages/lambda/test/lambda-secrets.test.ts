import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, FloeLambdaError, type LambdaContextLike } from '../src/index.js';
import { csvFacts, startFixture, type Fixture } from './support/fixture.js';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:floe/pg-Xy12Zz';
const context = (requestId: string): LambdaContextLike => ({ awsRequestId: requestId, getRemainingTimeInMillis: () => 600_000 });

describe('the PostgreSQL password from Secrets Manager (handler from sources, SDK mocked)', () => {
  let fx: Fixture;
  const sm = mockClient(SecretsManagerClient);

  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    sm.restore();
    await fx?.stop();
  });
  afterEach(() => sm.reset());

  const handlerWith = (prefix: string, extra: Record<string, string> = {}) => {
    const logs: string[] = [];
    const env = {
      FLOE_CONFIG: JSON.stringify(fx.config(prefix)),
      FLOE_SOURCE_PASSWORD_SECRET: SECRET,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: fx.s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fx.s3.credentials.secretAccessKey,
      ...extra,
    };
    // The S3 client reads credentials from the process environment, like in Lambda.
    process.env['AWS_ACCESS_KEY_ID'] = env.AWS_ACCESS_KEY_ID;
    process.env['AWS_SECRET_ACCESS_KEY'] = env.AWS_SECRET_ACCESS_KEY;
    return { handler: createHandler({ env, log: (l) => logs.push(l) }), logs };
  };

  it('is fetched once per container and reused by the next invocation', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: fx.postgres.password });
    const { handler, logs } = handlerWith('secrets');
    const truth = await fx.day('2005-05-31');

    const first = await handler({ date: '2005-05-31', tables: ['sales'] }, context('a'));
    const second = await handler({ date: '2005-05-31', tables: ['sales'] }, context('b'));

    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: SECRET }]);
    for (const r of [first, second]) {
      const run = r.runs[0];
      if (run?.status !== 'ok') throw new Error(JSON.stringify(r.runs));
      expect(csvFacts(await Promise.all(run.report.files.map((f) => fx.text(f.key))))).toEqual(truth);
    }
    expect(logs).toHaveLength(2);
    expect(logs.join('\n')).not.toContain(fx.postgres.password);
  });

  it('a missing secret is a clear config error naming it, and the next invocation asks again', async () => {
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));
    const { handler, logs } = handlerWith('missing');

    const failure = await handler({ date: '2005-05-31' }, context('a')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FloeLambdaError);
    const e = failure as FloeLambdaError;
    expect(e.kind).toBe('config');
    expect(e.message).toBe(
      `[config] The secret named by FLOE_SOURCE_PASSWORD_SECRET does not exist in Secrets Manager (or not in this function's region). (${SECRET}) → Set FLOE_SOURCE_PASSWORD_SECRET to the secret's full ARN, or to its name in the function's region.`,
    );
    expect(e.stack).toBe(`FloeError: ${e.message}`);
    expect(JSON.parse(logs[0]!)).toMatchObject({ level: 'ERROR', requestId: 'a', error: { kind: 'config', object: SECRET } });

    // A failure is not cached: the secret may be created between invocations.
    sm.reset();
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'postgres', password: fx.postgres.password }) });
    const later = await handler({ date: '2005-05-31', tables: ['sales'] }, context('b'));
    expect(later.status).toBe('ok');
    expect(later.rows).toBe((await fx.day('2005-05-31')).rows);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('a JSON secret without the password key, or one the role may not read, says what to fix', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'postgres', pass: 'x' }) });
    const noKey = (await handlerWith('nokey').handler({ date: '2005-05-31' }, context('a')).catch((e: unknown) => e)) as FloeLambdaError;
    expect(noKey.message).toMatch(/is JSON without a text "password" key.*FLOE_SOURCE_PASSWORD_SECRET_KEY/);

    sm.reset();
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ pg: fx.postgres.password }) });
    const custom = await handlerWith('customkey', { FLOE_SOURCE_PASSWORD_SECRET_KEY: 'pg' }).handler({ date: '2005-05-31', tables: ['sales'] }, context('b'));
    expect(custom.status).toBe('ok');

    sm.reset();
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const denied = (await handlerWith('denied').handler({ date: '2005-05-31' }, context('c')).catch((e: unknown) => e)) as FloeLambdaError;
    expect(denied.message).toMatch(/may not read the secret named by FLOE_SOURCE_PASSWORD_SECRET \(AccessDeniedException\).*secretsmanager:GetSecretValue/);
    expect(await fx.keys('denied/')).toEqual([]);
  });
});

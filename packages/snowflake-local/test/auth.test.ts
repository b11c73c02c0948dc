import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'snowflake-sdk';
import { startSnowflakeLocal, type SnowflakeLocal } from '../src/index.js';
import { connect, destroy, exec, failure, rows } from './protocol-sdk.js';

function rsaPair(): { privatePem: string; publicBody: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  // Snowflake's RSA_PUBLIC_KEY takes the base64 body without the PEM armour.
  return { privatePem: privateKey, publicBody: publicKey.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '') };
}

async function post(url: string, body: unknown, token?: string): Promise<{ success: boolean; code: string | null; data: Record<string, unknown> | null }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Snowflake Token="${token}"` } : {}) },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { success: boolean; code: string | null; data: Record<string, unknown> | null };
}

describe('auth: password, key pair, programmatic access token, session tokens', () => {
  let sf: SnowflakeLocal;
  let admin: Connection;
  const base = { database: 'AUTHDB', schema: 'PUBLIC' };

  beforeAll(async () => {
    sf = await startSnowflakeLocal({ account: 'acme', users: [{ name: 'admin', password: 'secret-pw', role: 'ACCOUNTADMIN' }] });
    admin = await connect({ accessUrl: sf.accessUrl, account: 'acme', username: 'admin', password: 'secret-pw', ...base });
    await exec(admin, 'create user svc');
    await exec(admin, 'create table who (n int)');
    await exec(admin, 'insert into who values (42)');
  });
  afterAll(async () => {
    if (admin) await destroy(admin);
    await sf?.stop();
  });

  it('rejects a bad password with 390100', async () => {
    const err = await failure(connect({ accessUrl: sf.accessUrl, account: 'acme', username: 'admin', password: 'wrong' }));
    expect(err.code).toBe('390100');
    expect(err.message).toContain('Incorrect username or password');
  });

  it('rejects an unknown user with 390100', async () => {
    const err = await failure(connect({ accessUrl: sf.accessUrl, account: 'acme', username: 'nobody', password: 'x' }));
    expect(err.code).toBe('390100');
  });

  it('logs in with a key pair registered by ALTER USER ... SET RSA_PUBLIC_KEY', async () => {
    const key = rsaPair();
    await exec(admin, `alter user svc set rsa_public_key = '${key.publicBody}'`);
    const conn = await connect({ accessUrl: sf.accessUrl, account: 'acme', username: 'svc', authenticator: 'SNOWFLAKE_JWT', privateKey: key.privatePem, ...base });
    try {
      expect(await rows(conn, 'select n, current_user() as u from who')).toEqual([{ N: 42, U: 'SVC' }]);
    } finally {
      await destroy(conn);
    }
  });

  it('logs in with a key pair given in opts.users (PEM)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    sf.users.add({ name: 'loader', rsaPublicKeyPem: publicKey });
    const conn = await connect({ accessUrl: sf.accessUrl, account: 'acme', username: 'loader', authenticator: 'SNOWFLAKE_JWT', privateKey, ...base });
    expect(await rows(conn, 'select 1 as one')).toEqual([{ ONE: 1 }]);
    await destroy(conn);
  });

  it('rejects a JWT signed by a key that is not registered with 390144', async () => {
    const registered = rsaPair();
    const other = rsaPair();
    await exec(admin, `alter user svc set rsa_public_key = '${registered.publicBody}'`);
    const err = await failure(connect({ accessUrl: sf.accessUrl, account: 'acme', username: 'svc', authenticator: 'SNOWFLAKE_JWT', privateKey: other.privatePem }));
    expect(err.code).toBe('390144');
    expect(err.message).toContain('JWT token is invalid');
  });

  it('rejects a JWT for another account with 390144', async () => {
    const key = rsaPair();
    await exec(admin, `alter user svc set rsa_public_key = '${key.publicBody}'`);
    const err = await failure(connect({ accessUrl: sf.accessUrl, account: 'other', username: 'svc', authenticator: 'SNOWFLAKE_JWT', privateKey: key.privatePem }));
    expect(err.code).toBe('390144');
  });

  it('rejects a forged, expired or unsigned JWT with 390144', async () => {
    const key = rsaPair();
    await exec(admin, `alter user svc set rsa_public_key = '${key.publicBody}'`);
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: 'ACME.SVC.SHA256:x', sub: 'ACME.SVC', exp: Date.now() + 60_000 })}.`;
    const forged = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: 'ACME.SVC.SHA256:x', sub: 'ACME.SVC', exp: Date.now() + 60_000 })}.${Buffer.from('sig').toString('base64url')}`;
    for (const token of [unsigned, forged, 'not-a-jwt']) {
      const r = await post(`${sf.accessUrl}/session/v1/login-request`, { data: { LOGIN_NAME: 'svc', AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: token, ACCOUNT_NAME: 'acme' } });
      expect([r.success, r.code]).toEqual([false, '390144']);
    }
  });

  it('logs in with a programmatic access token from ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN', async () => {
    const issued = await rows<{ token_name: string; token_secret: string }>(admin, 'alter user svc add programmatic access token ci_token days_to_expiry = 1');
    expect(issued[0]!.token_name).toBe('CI_TOKEN');
    const secret = issued[0]!.token_secret;
    const conn = await connect({ accessUrl: sf.accessUrl, account: 'acme', username: 'svc', authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: secret, ...base } as never);
    expect(await rows(conn, 'select n from who')).toEqual([{ N: 42 }]);
    await destroy(conn);
    const err = await failure(connect({ accessUrl: sf.accessUrl, account: 'acme', username: 'svc', authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', token: `${secret}x` } as never));
    expect(err.code).toBe('390100');
  });

  it('answers an unknown session token with 390104', async () => {
    const r = await post(`${sf.accessUrl}/queries/v1/query-request?requestId=x`, { sqlText: 'select 1' }, 'ST-not-a-session');
    expect([r.success, r.code]).toEqual([false, '390104']);
  });

  it('answers an expired session token with 390112 and renews it through /session/token-request', async () => {
    const login = await post(`${sf.accessUrl}/session/v1/login-request?databaseName=AUTHDB`, { data: { LOGIN_NAME: 'admin', PASSWORD: 'secret-pw' } });
    const token = String(login.data!.token);
    const master = String(login.data!.masterToken);
    expect((await post(`${sf.accessUrl}/queries/v1/query-request`, { sqlText: 'select n from who' }, token)).data!.rowset).toEqual([['42']]);
    sf.expireSessionTokens();
    const expired = await post(`${sf.accessUrl}/queries/v1/query-request`, { sqlText: 'select n from who' }, token);
    expect([expired.success, expired.code]).toEqual([false, '390112']);
    const renewed = await post(`${sf.accessUrl}/session/token-request`, { oldSessionToken: token, requestType: 'RENEW' }, master);
    expect(renewed.success).toBe(true);
    const again = await post(`${sf.accessUrl}/queries/v1/query-request`, { sqlText: 'select n from who' }, String(renewed.data!.sessionToken));
    expect(again.data!.rowset).toEqual([['42']]);
  });

  it('lets the driver renew an expired session by itself', async () => {
    sf.expireSessionTokens();
    expect(await rows(admin, 'select n from who')).toEqual([{ N: 42 }]);
  });
});

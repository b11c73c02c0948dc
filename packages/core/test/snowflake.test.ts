import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSnowflakeLocal, type SnowflakeLocal } from '@floe/snowflake-local';
import { freePort } from '@floe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type FloeConfig } from '../src/config/config-load.js';
import { formatError } from '../src/errors.js';
import { mapConnectError, mapQueryError, objectOf } from '../src/snowflake/snowflake-errors.js';
import { comparableSql } from '../src/snowflake/snowflake-provisioner.js';
import { connectSnowflake, type SnowflakeSession } from '../src/snowflake/snowflake-session.js';

const rsa = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const svc = rsa();
const other = rsa();
const PASSPHRASE = 'correct horse battery staple';
const encrypted = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE },
});

let sf: SnowflakeLocal;
let dir: string;

function config(accessUrl: string, user: string, auth: Record<string, unknown>, env: Record<string, string>): FloeConfig {
  return parseConfig(
    {
      source: { url: 'postgres://floe@127.0.0.1/shop' },
      tables: [{ name: 'sales', source: { table: 'sales' }, window: { kind: 'day', column: 'orderdate' } }],
      storage: { kind: 'local', dir },
      snowflake: { account: 'local', accessUrl, user, role: 'FLOE_ROLE', warehouse: 'FLOE_WH', database: 'ANALYTICS', schema: 'PUBLIC', auth },
    },
    env,
    { baseDir: dir },
  )._unsafeUnwrap();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-sf-'));
  sf = await startSnowflakeLocal({
    database: 'ANALYTICS',
    users: [
      { name: 'FLOE_SVC', rsaPublicKeyPem: svc.publicKey, role: 'FLOE_ROLE' },
      { name: 'FLOE_ENC', rsaPublicKeyPem: encrypted.publicKey, role: 'FLOE_ROLE' },
      { name: 'LEGACY', password: 'legacy-Pa55-word', role: 'FLOE_ROLE' },
    ],
  });
});

afterAll(async () => {
  await sf?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('connectSnowflake against the local endpoint (real snowflake-sdk)', () => {
  let session: SnowflakeSession;

  beforeAll(async () => {
    const c = config(sf.accessUrl, 'floe_svc', { kind: 'keypair', privateKeyEnv: 'SF_KEY' }, { SF_KEY: svc.privateKey });
    session = (await connectSnowflake(c, { loginRetries: 0 }))._unsafeUnwrap();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('signs in with a key pair and returns NUMBER values as exact strings', async () => {
    (await session.execute('CREATE TABLE IF NOT EXISTS MONEY_CHECK (ID NUMBER(10,0), AMOUNT NUMBER(20,2), NOTE VARCHAR)'))._unsafeUnwrap();
    (await session.query('INSERT INTO MONEY_CHECK VALUES (?, ?, ?), (?, ?, ?)', [1, '12345678901234567.89', 'big', 2, '0.10', null]))._unsafeUnwrap();
    const rows = (await session.query<{ ID: string; AMOUNT: string; NOTE: string | null }>('SELECT ID, AMOUNT, NOTE FROM MONEY_CHECK ORDER BY ID'))._unsafeUnwrap();
    // A float would print 12345678901234568 and 0.1.
    expect(rows).toEqual([
      { ID: '1', AMOUNT: '12345678901234567.89', NOTE: 'big' },
      { ID: '2', AMOUNT: '0.10', NOTE: null },
    ]);
  });

  it('maps a failed statement to snowflake_sql with its first line and object', async () => {
    const e = (await session.query('SELECT *\nFROM NO_SUCH_TABLE'))._unsafeUnwrapErr();
    expect(e.kind).toBe('snowflake_sql');
    expect(e.message).toContain('SELECT *');
    expect(e.message).not.toContain('\n');
    expect(e.object).toBe('NO_SUCH_TABLE');
  });

  it('signs in with a programmatic access token issued by ALTER USER', async () => {
    const issued = (await session.query<{ token_secret: string }>('ALTER USER FLOE_SVC ADD PROGRAMMATIC ACCESS TOKEN FLOE_PAT DAYS_TO_EXPIRY = 1'))._unsafeUnwrap();
    const token = issued[0]!.token_secret;
    const c = config(sf.accessUrl, 'FLOE_SVC', { kind: 'pat', tokenEnv: 'SF_PAT' }, { SF_PAT: token });
    const s = (await connectSnowflake(c, { loginRetries: 0 }))._unsafeUnwrap();
    expect((await s.query<{ N: string }>('SELECT COUNT(*) AS N FROM MONEY_CHECK'))._unsafeUnwrap()).toEqual([{ N: '2' }]);
    await s.close();
    const bad = config(sf.accessUrl, 'FLOE_SVC', { kind: 'pat', tokenEnv: 'SF_PAT' }, { SF_PAT: `${token}x` });
    const e = (await connectSnowflake(bad, { loginRetries: 0 }))._unsafeUnwrapErr();
    expect(e.kind).toBe('snowflake_auth');
    expect(formatError(e)).not.toContain(token);
  });

  it('close is idempotent', async () => {
    const c = config(sf.accessUrl, 'floe_svc', { kind: 'keypair', privateKeyEnv: 'SF_KEY' }, { SF_KEY: svc.privateKey });
    const s = (await connectSnowflake(c, { loginRetries: 0 }))._unsafeUnwrap();
    expect((await s.close()).isOk()).toBe(true);
    expect((await s.close()).isOk()).toBe(true);
  });
});

describe('connectSnowflake: sign-in variants and failures', () => {
  it('reads an encrypted key from a file (relative to the config) with its passphrase', async () => {
    await writeFile(join(dir, 'enc.p8'), encrypted.privateKey);
    const c = config(sf.accessUrl, 'FLOE_ENC', { kind: 'keypair', privateKeyPath: 'enc.p8', passphraseEnv: 'SF_PASS' }, { SF_PASS: PASSPHRASE });
    const s = (await connectSnowflake(c, { loginRetries: 0 }))._unsafeUnwrap();
    const rows = (await s.query<{ ONE: string }>('SELECT 1 AS ONE'))._unsafeUnwrap();
    expect(rows).toEqual([{ ONE: '1' }]);
    await s.close();
  });

  it('a wrong passphrase is snowflake_auth and prints neither key nor passphrase', async () => {
    await writeFile(join(dir, 'enc.p8'), encrypted.privateKey);
    const c = config(sf.accessUrl, 'FLOE_ENC', { kind: 'keypair', privateKeyPath: 'enc.p8', passphraseEnv: 'SF_PASS' }, { SF_PASS: 'not-the-passphrase' });
    const e = (await connectSnowflake(c, { loginRetries: 0 }))._unsafeUnwrapErr();
    expect(e.kind).toBe('snowflake_auth');
    expect(e.hint).toContain('passphrase');
    expect(formatError(e)).not.toContain('not-the-passphrase');
  });

  it('a key Snowflake does not know is snowflake_auth (JWT rejected), key not printed', async () => {
    const c = config(sf.accessUrl, 'FLOE_SVC', { kind: 'keypair', privateKeyEnv: 'SF_KEY' }, { SF_KEY: other.privateKey });
    const e = (await connectSnowflake(c, { loginRetries: 0 }))._unsafeUnwrapErr();
    expect(e.kind).toBe('snowflake_auth');
    const text = formatError(e) + JSON.stringify({ ...e, cause: undefined });
    expect(text).not.toContain(other.privateKey.split('\n')[1]);
  });

  it('a missing key file is a config error naming the path', async () => {
    const c = config(sf.accessUrl, 'FLOE_SVC', { kind: 'keypair', privateKeyPath: 'missing.p8' }, {});
    const e = (await connectSnowflake(c, { loginRetries: 0 }))._unsafeUnwrapErr();
    expect(e.kind).toBe('config');
    expect(e.object).toBe(join(dir, 'missing.p8'));
  });

  it('password sign-in works and a wrong password is snowflake_auth without the password', async () => {
    const good = config(sf.accessUrl, 'LEGACY', { kind: 'password', passwordEnv: 'SF_PW' }, { SF_PW: 'legacy-Pa55-word' });
    const s = (await connectSnowflake(good, { loginRetries: 0 }))._unsafeUnwrap();
    await s.close();
    const bad = config(sf.accessUrl, 'LEGACY', { kind: 'password', passwordEnv: 'SF_PW' }, { SF_PW: 'Wrong-Pa55-guess' });
    const e = (await connectSnowflake(bad, { loginRetries: 0 }))._unsafeUnwrapErr();
    expect(e.kind).toBe('snowflake_auth');
    expect(formatError(e)).not.toContain('Wrong-Pa55-guess');
  });

  it('a closed port is snowflake_unreachable', async () => {
    const port = await freePort();
    const c = config(`http://127.0.0.1:${port}`, 'FLOE_SVC', { kind: 'keypair', privateKeyEnv: 'SF_KEY' }, { SF_KEY: svc.privateKey });
    const e = (await connectSnowflake(c, { loginRetries: 0 }))._unsafeUnwrapErr();
    expect(e.kind).toBe('snowflake_unreachable');
    expect(e.object).toBe(`http://127.0.0.1:${port}`);
  });

  it('no credentials in the environment is a config error, before any network call', async () => {
    const c = parseConfig(
      {
        source: { url: 'postgres://floe@127.0.0.1/shop' },
        tables: [{ name: 'sales', source: { table: 'sales' }, window: { kind: 'full' } }],
        storage: { kind: 'local', dir },
        snowflake: { account: 'local', accessUrl: sf.accessUrl, user: 'X', role: 'R', warehouse: 'W', database: 'ANALYTICS', auth: { kind: 'pat', tokenEnv: 'SF_PAT' } },
      },
      {},
      { requireSecrets: ['source'] },
    )._unsafeUnwrap();
    const e = (await connectSnowflake(c))._unsafeUnwrapErr();
    expect(e.kind).toBe('config');
    expect(e.message).toContain('SF_PAT');
  });
});

describe('driver errors become FloeErrors of the right kind', () => {
  it('insufficient privileges is snowflake_privilege, naming the object', () => {
    const e = mapQueryError({ code: '003001', sqlState: '42501', message: "SQL access control error:\nInsufficient privileges to operate on integration 'FLOE_S3_INTEGRATION'" }, 'CREATE STORAGE INTEGRATION IF NOT EXISTS "FLOE_S3_INTEGRATION"\n  TYPE = EXTERNAL_STAGE');
    expect(e.kind).toBe('snowflake_privilege');
    expect(e.object).toBe('"FLOE_S3_INTEGRATION"');
    expect(e.message).toContain('CREATE STORAGE INTEGRATION IF NOT EXISTS "FLOE_S3_INTEGRATION"');
    expect(e.message).not.toContain('TYPE = EXTERNAL_STAGE');
  });

  it('sign-in codes are snowflake_auth, socket failures snowflake_unreachable', () => {
    expect(mapConnectError({ code: '390100', message: 'Incorrect username or password was specified.' }, 'acct').kind).toBe('snowflake_auth');
    expect(mapConnectError({ code: '390144', message: 'JWT token is invalid.' }, 'acct').kind).toBe('snowflake_auth');
    expect(mapConnectError({ code: 401001, message: 'Network error', cause: { code: 'ECONNREFUSED' } }, 'acct').kind).toBe('snowflake_unreachable');
    expect(mapQueryError({ code: '390112', message: 'Session token expired' }, 'SELECT 1').kind).toBe('snowflake_auth');
    expect(mapQueryError({ code: 'ECONNRESET', message: 'socket hang up' }, 'SELECT 1').kind).toBe('snowflake_unreachable');
  });

  it('names the object a statement is about', () => {
    expect(objectOf('CREATE PIPE IF NOT EXISTS "DB"."S"."SALES_PIPE" AUTO_INGEST = TRUE')).toBe('"DB"."S"."SALES_PIPE"');
    expect(objectOf('MERGE INTO SALES AS t USING x')).toBe('SALES');
    expect(objectOf('SELECT 1')).toBeUndefined();
  });
});

describe('comparableSql', () => {
  it('drops comments and layout, keeps quoted text', () => {
    expect(comparableSql("SELECT 1 -- note\n  , '--kept' AS \"a--b\" /* gone */ FROM t")).toBe('SELECT 1 , \'--kept\' AS "a--b" FROM t');
    expect(comparableSql("SELECT 'it''s -- here'")).toBe("SELECT 'it''s -- here'");
  });
});

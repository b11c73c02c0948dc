import { describe, expect, it } from 'vitest';
import { floeError, redact, registerSecret } from '../src/errors.js';

describe('redact', () => {
  it('removes passwords from URLs and key=value text, and registered secrets anywhere', () => {
    registerSecret('s3cr3t-v4lue');
    const text = redact('postgres://floe:hunter2@db:5432/shop password=abc token: xyz and s3cr3t-v4lue inline');
    expect(text).toBe('postgres://floe:***@db:5432/shop password=*** token: *** and *** inline');
  });

  it('keeps ARNs that merely contain the word secret, since they name a secret, not its value', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:floe/pg-AbCdEf';
    expect(redact(`cannot read ${arn}`)).toBe(`cannot read ${arn}`);
  });

  it('hides a private key body', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----';
    expect(redact(`bad key ${pem}`)).toBe('bad key -----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----');
  });

  it('applies to every FloeError message and hint', () => {
    const e = floeError('source_auth', 'login failed for postgres://u:pw1234@h/db', 'set password=pw1234 elsewhere');
    expect(e.message).not.toContain('pw1234');
    expect(e.hint).not.toContain('pw1234');
  });
});

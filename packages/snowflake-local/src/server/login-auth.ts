/**
 * Login checks: password, key pair (SNOWFLAKE_JWT, RS256 against the user's registered public
 * key) and programmatic access tokens. Each failure carries the code Snowflake returns.
 */
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import type { AccountRegistry, LocalUser } from '../engine/account-registry.js';
import { publicKeyFingerprint } from '../engine/account-registry.js';

export interface LoginFailure {
  readonly code: string;
  readonly message: string;
}

export interface LoginBody {
  readonly LOGIN_NAME?: string;
  readonly PASSWORD?: string;
  readonly AUTHENTICATOR?: string;
  readonly TOKEN?: string;
  readonly ACCOUNT_NAME?: string;
}

const BAD_PASSWORD: LoginFailure = { code: '390100', message: 'Incorrect username or password was specified.' };

function badJwt(): LoginFailure {
  return { code: '390144', message: `JWT token is invalid. [${randomUUID()}]` };
}

/** Checks the credentials; returns the user or the failure to put on the wire. */
export function authenticate(registry: AccountRegistry, account: string, body: LoginBody, now: number): LocalUser | LoginFailure {
  const authenticator = (body.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
  const user = body.LOGIN_NAME ? registry.user(body.LOGIN_NAME) : undefined;
  switch (authenticator) {
    case 'SNOWFLAKE':
    case 'USERNAME_PASSWORD_MFA':
      if (!user || user.password === undefined || body.PASSWORD !== user.password) return BAD_PASSWORD;
      return user;
    case 'SNOWFLAKE_JWT':
      return verifyJwt(registry, account, body, now);
    case 'PROGRAMMATIC_ACCESS_TOKEN': {
      if (!user || !body.TOKEN) return BAD_PASSWORD;
      for (const t of user.tokens.values()) if (t.secret === body.TOKEN && t.expiresAt > now) return user;
      return { code: '390100', message: 'Incorrect username or password was specified.' };
    }
    default:
      return { code: '390100', message: `Authenticator ${authenticator} is not supported by the local Snowflake endpoint.` };
  }
}

function verifyJwt(registry: AccountRegistry, account: string, body: LoginBody, now: number): LocalUser | LoginFailure {
  const token = body.TOKEN ?? '';
  const parts = token.split('.');
  if (parts.length !== 3) return badJwt();
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let payload: { iss?: string; sub?: string; exp?: number; iat?: number };
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as typeof header;
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as typeof payload;
  } catch {
    return badJwt();
  }
  if (header.alg !== 'RS256') return badJwt();
  const sub = payload.sub ?? '';
  const [subAccount, subUser] = sub.split('.');
  if (!subAccount || !subUser || subAccount.toUpperCase() !== account.toUpperCase()) return badJwt();
  const user = registry.user(subUser);
  if (!user || (body.LOGIN_NAME && body.LOGIN_NAME.toUpperCase() !== user.name)) return badJwt();
  // The driver writes iat/exp in milliseconds; Snowflake's own tools write seconds. Accept both.
  const toMs = (v: number | undefined): number | undefined => (v === undefined ? undefined : v > 1e11 ? v : v * 1000);
  const exp = toMs(payload.exp);
  if (exp === undefined || exp < now) return badJwt();
  const iat = toMs(payload.iat);
  if (iat !== undefined && iat > now + 60_000) return badJwt();
  for (const der of user.rsaPublicKeys) {
    if (!der) continue;
    if (payload.iss !== `${account.toUpperCase()}.${user.name}.${publicKeyFingerprint(der)}`) continue;
    const key = createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' });
    if (verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) return user;
  }
  return badJwt();
}

export function isFailure(x: LocalUser | LoginFailure): x is LoginFailure {
  return typeof (x as LoginFailure).code === 'string' && !(x as LocalUser).tokens;
}

/**
 * Account-level objects the engine records but DuckDB has no notion of: users (with their
 * credentials for login), roles, warehouses and grants.
 */
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import type { GrantRecord } from './grant-statements.js';

export interface LocalUserSpec {
  readonly name: string;
  readonly password?: string;
  /** PEM (`-----BEGIN PUBLIC KEY-----`) or the base64 DER body Snowflake's RSA_PUBLIC_KEY takes. */
  readonly rsaPublicKeyPem?: string;
  readonly role?: string;
}

export interface LocalUser {
  readonly name: string;
  password?: string;
  rsaPublicKeys: string[]; // base64 SPKI DER, up to two (RSA_PUBLIC_KEY, RSA_PUBLIC_KEY_2)
  defaultRole: string;
  tokens: Map<string, { secret: string; expiresAt: number; role?: string }>;
}

/** Base64 SPKI DER of a public key given as PEM or as a bare base64 body. */
export function publicKeyDer(keyText: string): string {
  const trimmed = keyText.trim();
  const pem = trimmed.includes('BEGIN') ? trimmed : `-----BEGIN PUBLIC KEY-----\n${trimmed.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;
  const key = createPublicKey({ key: pem, format: 'pem' });
  return key.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** `SHA256:<base64>` fingerprint of a base64 SPKI DER public key, as the driver puts it in `iss`. */
export function publicKeyFingerprint(derBase64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(derBase64, 'base64')).digest('base64')}`;
}

export class AccountRegistry {
  readonly users = new Map<string, LocalUser>();
  readonly roles = new Set<string>(['ACCOUNTADMIN', 'SYSADMIN', 'SECURITYADMIN', 'USERADMIN', 'PUBLIC']);
  readonly warehouses = new Set<string>();
  /** Recorded, never enforced. */
  readonly grants: GrantRecord[] = [];

  /** Adds (or replaces) a user. */
  addUser(spec: LocalUserSpec): LocalUser {
    const name = spec.name.toUpperCase();
    const user: LocalUser = {
      name,
      ...(spec.password !== undefined ? { password: spec.password } : {}),
      rsaPublicKeys: spec.rsaPublicKeyPem ? [publicKeyDer(spec.rsaPublicKeyPem)] : [],
      defaultRole: (spec.role ?? 'PUBLIC').toUpperCase(),
      tokens: new Map(),
    };
    this.users.set(name, user);
    if (spec.role) this.roles.add(spec.role.toUpperCase());
    return user;
  }

  user(name: string): LocalUser | undefined {
    return this.users.get(name.toUpperCase());
  }

  /** Issues a programmatic access token; returns its secret (shown once, as Snowflake does). */
  addToken(userName: string, tokenName: string, days: number, role?: string): string {
    const user = this.user(userName);
    if (!user) throw new Error(`user ${userName} does not exist`);
    const secret = `pat_${randomBytes(24).toString('base64url')}`;
    user.tokens.set(tokenName.toUpperCase(), { secret, expiresAt: Date.now() + days * 86_400_000, ...(role ? { role } : {}) });
    return secret;
  }
}

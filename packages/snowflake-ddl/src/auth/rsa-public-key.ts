import { configError } from '../errors.js';
import { str } from '../sql/nodes.js';
import type { PlanStep } from '../plan/plan-types.js';
import { step } from '../plan/plan-setup.js';

/**
 * `ALTER USER "SVC" SET RSA_PUBLIC_KEY = '<base64 body>'` for key-pair sign-in
 * (docs.snowflake.com/en/user-guide/key-pair-auth, "Assign the public key to a Snowflake user").
 * Takes the PEM of the PUBLIC key; refuses anything holding a private key, so a secret can never
 * end up in SQL text, logs or a plan file.
 */
export function rsaPublicKeyStep(user: string, publicKeyPem: string): PlanStep {
  if (/PRIVATE KEY/.test(publicKeyPem)) configError('The key given for RSA_PUBLIC_KEY is a private key.', 'Pass the public key (openssl rsa -in key.p8 -pubout), never the private key.', user);
  const m = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(publicKeyPem);
  const body = (m?.[1] ?? '').replace(/\s+/g, '');
  if (body.length < 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) configError('The public key is not a PEM "BEGIN PUBLIC KEY" block.', 'Generate it with openssl rsa -in key.p8 -pubout -out key.pub and pass the file\'s text.', user);
  const name = { name: user };
  return step({ phase: 'bootstrap', type: 'USER', name, action: 'rsa-public-key', node: { kind: 'alter', objectType: 'USER', name, ifExists: false, action: { set: [{ name: 'RSA_PUBLIC_KEY', value: str(body) }] } }, description: `Sets the RSA public key of ${user} for key-pair sign-in.` });
}

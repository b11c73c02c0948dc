import { err, ok, type Result } from 'neverthrow';
import { floeError, registerSecret, type FloeError } from '../errors.js';

/** The environment as floe reads it: `process.env` in the CLI and the Lambda, a plain object in tests. */
export type FloeEnv = Readonly<Record<string, string | undefined>>;

/** A variable's value, or undefined when it is unset or blank (a blank value is treated as unset). */
export function envString(env: FloeEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** A required variable; `purpose` says what it is for, so the error tells the user what to set. */
export function requireEnv(env: FloeEnv, name: string, purpose: string): Result<string, FloeError> {
  const value = envString(env, name);
  return value === undefined
    ? err(floeError('config', `Environment variable ${name} is not set (${purpose}).`, `Set ${name} before running floe.`, { object: name }))
    : ok(value);
}

/**
 * A secret read from the environment: registered with the error redactor before it is returned,
 * so no FloeError message can ever print it.
 */
export function requireSecretEnv(env: FloeEnv, name: string, purpose: string): Result<string, FloeError> {
  return requireEnv(env, name, purpose).map((value) => {
    registerSecret(value);
    return value;
  });
}

/** A whole non-negative integer, or undefined when unset. */
export function envInteger(env: FloeEnv, name: string): Result<number | undefined, FloeError> {
  const raw = envString(env, name);
  if (raw === undefined) return ok(undefined);
  if (!/^\d+$/.test(raw.trim())) {
    return err(floeError('config', `Environment variable ${name} must be a whole number, got "${raw}".`, `Set ${name} to digits only, e.g. 4.`, { object: name }));
  }
  return ok(Number(raw.trim()));
}

/** `true/1/yes/on` or `false/0/no/off` (any case), or undefined when unset. */
export function envBoolean(env: FloeEnv, name: string): Result<boolean | undefined, FloeError> {
  const raw = envString(env, name);
  if (raw === undefined) return ok(undefined);
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return ok(true);
  if (['false', '0', 'no', 'off'].includes(v)) return ok(false);
  return err(floeError('config', `Environment variable ${name} must be true or false, got "${raw}".`, `Set ${name} to true or false.`, { object: name }));
}

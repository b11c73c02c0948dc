import { inspect } from 'node:util';
import { registerSecret } from '../errors.js';

/**
 * A secret value (password, token, private key) that prints as `***` everywhere: JSON, console,
 * template strings. The value is also registered with the error redactor, so even code that
 * reveals it and puts it in an error message cannot leak it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    registerSecret(value);
  }

  /** The real value, for the one call that needs it (a driver's connect options). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '***';
  }

  toJSON(): string {
    return '***';
  }

  [inspect.custom](): string {
    return 'Secret(***)';
  }
}

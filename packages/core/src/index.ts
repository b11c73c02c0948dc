export * from './contracts/index.js';
export { floeError, formatError, isFloeError, redact, registerSecret, type FloeError, type FloeErrorKind } from './errors.js';

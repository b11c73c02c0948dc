/**
 * @floe/cli: the `floe` command line as a library (the binary is `dist/bin.js`).
 * `main(args)` runs a command and resolves to its exit code without exiting the process.
 * @example
 * import { main } from '@floe/cli';
 * const code = await main(['verify', '--date', '2005-05-31', '--json']);
 */
export { main, createProgram, type GlobalOptions, type CommandHandler } from './program.js';
export { EXIT, EXIT_CODE_HELP, type ExitCode } from './exit-codes.js';
export type { CommandResult, Output } from './output.js';
export { NODE_TUNING, planRelaunch, type ProcessState, type Relaunch } from './node-tuning.js';

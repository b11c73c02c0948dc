import type { Command } from 'commander';
import type { CommandHandler } from '../program.js';
import { registerInit } from './init.js';
import { registerCheck } from './check.js';
import { registerDdl } from './ddl.js';
import { registerIam } from './iam.js';
import { registerProvision } from './provision.js';
import { registerRun } from './run.js';
import { registerBackfill } from './backfill.js';
import { registerStatus } from './status.js';
import { registerVerify } from './verify.js';
import { registerDemo } from './demo.js';

/** Wraps a handler into a commander action (see createProgram). */
export type ActionWrapper = <O>(handler: CommandHandler<O>) => (opts: O, cmd: Command) => Promise<void>;
/** Adds one command to the program. */
export type Register = (program: Command, run: ActionWrapper) => void;

/** Every `floe` command, in the order `floe --help` lists them (the order a user meets them). */
export function registerCommands(program: Command, run: ActionWrapper): void {
  for (const register of [registerInit, registerCheck, registerDdl, registerIam, registerProvision, registerRun, registerBackfill, registerStatus, registerVerify, registerDemo]) {
    register(program, run);
  }
}

import { Command, CommanderError, Option } from 'commander';
import { floeError, isFloeError } from '@floe/core';
import { EXIT, EXIT_CODE_HELP, type ExitCode } from './exit-codes.js';
import { createOutput, describeCause, errorJson, type CommandResult, type Output, type OutputStreams } from './output.js';
import { registerCommands } from './commands/index.js';

/** Options every command accepts. */
export interface GlobalOptions {
  readonly json: boolean;
  readonly config: string;
  readonly debug: boolean;
}

/** What a command's action receives: its own flags, the global ones, and where to write. */
export type CommandHandler<O> = (opts: O, globals: GlobalOptions, out: Output) => Promise<CommandResult>;

/** Adds the shared "Examples:" block to a command's --help. */
export function withExamples(cmd: Command, examples: readonly string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
}

/**
 * Builds the `floe` program. `run(handler)` wraps a command's handler so the runner prints its
 * result (text or one JSON object) and records the exit code.
 */
export function createProgram(streams: OutputStreams, onResult: (code: ExitCode) => void): Command {
  const program = new Command('floe')
    .description('Move PostgreSQL tables to Snowflake through S3, daily, exactly and re-runnably.')
    .version(FLOE_CLI_VERSION, '-V, --version')
    .addOption(new Option('--json', 'print one JSON object on stdout (and nothing else there)').default(false))
    .addOption(new Option('-c, --config <path>', 'configuration file (YAML or JSON)').default('floe.config.yaml'))
    .addOption(new Option('--debug', 'print the cause of an error (stack traces included)').default(false))
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) });
  program.addHelpText('after', `\n${EXIT_CODE_HELP}\n\nExamples:\n  $ floe init\n  $ floe check\n  $ floe provision --dry-run\n  $ floe run --yesterday\n  $ floe verify --from 2005-05-01 --to 2005-05-31 --json\n  $ floe demo\n`);

  const run =
    <O>(handler: CommandHandler<O>) =>
    async (opts: O, cmd: Command): Promise<void> => {
      const globals = cmd.optsWithGlobals<GlobalOptions & O>();
      const g: GlobalOptions = { json: globals.json === true, config: globals.config, debug: globals.debug === true };
      const out = createOutput({ json: g.json, debug: g.debug }, streams);
      let result: CommandResult;
      try {
        result = await handler(opts, g, out);
      } catch (e) {
        // A handler should never throw; if one does, it is a bug: say so plainly, never a raw stack.
        const fe = isFloeError(e) ? e : floeError('internal', `floe ${cmd.name()} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, 'Re-run with --debug and report the output.', { cause: e });
        if (g.debug && !isFloeError(e)) streams.stderr.write(`${describeCause(e)}\n`);
        result = { exitCode: fe.kind === 'config' ? EXIT.usage : EXIT.runFailed, data: {}, error: fe };
      }
      if (result.error) out.error(result.error);
      if (g.json) {
        const body = { command: cmd.name(), ok: result.exitCode === EXIT.ok, exitCode: result.exitCode, ...result.data, ...(result.error ? { error: errorJson(result.error) } : {}) };
        streams.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      }
      onResult(result.exitCode);
    };

  registerCommands(program, run);
  return program;
}

declare const __FLOE_CLI_VERSION__: string | undefined;
/** Replaced at build time by tsup (`define`); the source fallback is for tests. */
const FLOE_CLI_VERSION = typeof __FLOE_CLI_VERSION__ === 'string' ? __FLOE_CLI_VERSION__ : '0.1.0';

/**
 * Runs `floe` with the given arguments (without `node` and the script) and returns the exit code.
 * Never calls process.exit, so it can run inside tests.
 */
export async function main(args: readonly string[], streams: OutputStreams = process): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = createProgram(streams, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander reports --help and --version as exit code 0; everything else it rejects is usage.
      if (e.exitCode === 0) return EXIT.ok;
      if (args.includes('--json')) {
        const message = e.message.replace(/^error: /, '');
        streams.stdout.write(`${JSON.stringify({ ok: false, exitCode: EXIT.usage, error: { kind: 'usage', message, hint: 'Run floe --help, or floe <command> --help.' } }, null, 2)}\n`);
      }
      return EXIT.usage;
    }
    throw e;
  }
  return code;
}

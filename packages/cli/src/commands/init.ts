import { access, writeFile } from 'node:fs/promises';
import { floeError, sampleConfig } from '@floe/core';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { withExamples, type CommandHandler } from '../program.js';
import type { Register } from './index.js';

interface InitOptions {
  readonly force?: boolean;
}

const init: CommandHandler<InitOptions> = async (opts, g, out) => {
  const exists = await access(g.config).then(
    () => true,
    () => false,
  );
  if (exists && !opts.force) {
    return { exitCode: EXIT.usage, data: { path: g.config, written: false }, error: floeError('config', `${g.config} already exists`, 'Pass --force to overwrite it, or --config <path> to write elsewhere.', { object: g.config }) };
  }
  try {
    await writeFile(g.config, sampleConfig(), { encoding: 'utf8', flag: opts.force ? 'w' : 'wx' });
  } catch (e) {
    return { exitCode: EXIT.runFailed, data: { path: g.config, written: false }, error: floeError('internal', `could not write ${g.config}: ${(e as Error).message}`, 'Check that the folder exists and is writable.', { object: g.config, cause: e }) };
  }
  out.print(`Wrote ${g.config}. Edit it (every key is commented), then run: floe check`);
  return { exitCode: EXIT.ok, data: { path: g.config, written: true } };
};

/** `floe init [--force]`: writes the commented sample configuration. */
export const registerInit: Register = (program: Command, run) => {
  withExamples(
    program
      .command('init')
      .description('write a commented sample configuration (floe.config.yaml) to start from')
      .option('--force', 'overwrite an existing file')
      .action(run(init)),
    ['floe init', 'floe init --config prod.floe.yaml', 'floe init --force'],
  );
};

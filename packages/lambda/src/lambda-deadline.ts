/** The part of Lambda's context object the deadline watch reads. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/** Aborts work before the Lambda deadline. */
export interface DeadlineWatch {
  /** Aborted once less than the margin is left. */
  readonly signal: AbortSignal;
  /** Re-reads the remaining time (at each part and before publishing) and aborts when it is short. */
  check(): boolean;
  /** Milliseconds left when the watch aborted (for the error message). */
  readonly leftAtStop: number | undefined;
  dispose(): void;
}

/**
 * Watches the invocation's remaining time: a timer fires `marginMs` before the deadline, and
 * `check()` (called at every part boundary) re-reads `getRemainingTimeInMillis()`, so the run
 * stops between steps even if the timer is late. Stopping early is what keeps a cut-short run
 * clean: runExtract then discards the staged parts, writes no manifest and moves no watermark,
 * whereas Lambda killing the process mid-publish would leave parts without their manifest.
 */
export function watchDeadline(context: RemainingTime, marginMs: number): DeadlineWatch {
  const controller = new AbortController();
  let leftAtStop: number | undefined;
  const stop = (left: number) => {
    if (controller.signal.aborted) return;
    leftAtStop = left;
    controller.abort();
  };
  const check = () => {
    const left = context.getRemainingTimeInMillis();
    if (left <= marginMs) stop(left);
    return controller.signal.aborted;
  };
  let timer: NodeJS.Timeout | undefined;
  const atStart = context.getRemainingTimeInMillis();
  if (atStart <= marginMs) stop(atStart);
  else {
    timer = setTimeout(() => stop(context.getRemainingTimeInMillis()), atStart - marginMs);
    // Never keep the process alive for this timer alone.
    timer.unref();
  }
  return {
    signal: controller.signal,
    check,
    get leftAtStop() {
      return leftAtStop;
    },
    dispose: () => clearTimeout(timer),
  };
}

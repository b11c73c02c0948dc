// Peak resident memory of a process tree, read from /proc (no /usr/bin/time needed): VmHWM is the
// kernel's own high-water mark per process, polled while the processes live.
import { readdirSync, readFileSync } from 'node:fs';

/** Child pids of `pid` (all its threads' children), from /proc; [] once it is gone. */
export function childrenOf(pid) {
  try {
    const out = [];
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
    return out;
  } catch {
    return [];
  }
}

function hwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Polls the descendants of `pid` (not `pid` itself) every `everyMs` and keeps the largest sum of
 * their VmHWM: the peak of a pipeline such as `psql | gzip`. Returns `stop()` → peak in kB.
 */
export function watchDescendants(pid, everyMs = 20) {
  const peaks = new Map();
  let best = 0;
  const poll = () => {
    const stack = childrenOf(pid);
    while (stack.length > 0) {
      const p = stack.pop();
      peaks.set(p, Math.max(peaks.get(p) ?? 0, hwmKb(p)));
      stack.push(...childrenOf(p));
    }
    let sum = 0;
    for (const v of peaks.values()) sum += v;
    best = Math.max(best, sum);
  };
  const timer = setInterval(poll, everyMs);
  poll();
  return () => {
    clearInterval(timer);
    poll();
    return best;
  };
}

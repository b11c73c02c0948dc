// CPU spent during one contender's measured interval, read from the kernel (Linux /proc):
// - the contender's own: its process (every thread: Node's thread pool, workers, DuckDB's threads)
//   plus the children it waited for (a `psql | gzip` pipeline), so shell and Node contenders compare;
// - PostgreSQL's: the server's process tree (the COPY backends above all);
// - the S3 server's: the bench's parent process, where s3rver runs;
// - the machine's: busy time of all cores, whoever used it. On a 2-core machine that says whether a
//   contender was CPU-bound; the three figures above say how much of it was this benchmark's work
//   when other work shares the cores.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { childrenOf } from './rss.mjs';

// /proc counts in USER_HZ ticks; 100 on every common Linux, asked once in case it is not.
const ticksPerSecond = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return r.status === 0 && Number.isInteger(n) && n > 0 ? n : 100;
})();

/** Busy ticks of all cores: user, nice, system, irq, softirq (not idle, iowait, nor steal, which another guest used). */
function machineBusyTicks() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [label, user, nice, system, _idle, _iowait, irq, softirq] = line.trim().split(/\s+/);
  if (label !== 'cpu') throw new Error(`unexpected first line of /proc/stat: ${line}`);
  return [user, nice, system, irq, softirq].reduce((sum, v) => sum + Number(v ?? 0), 0);
}

/**
 * utime, stime, cutime, cstime of a process (cutime/cstime: the children it has waited for, and
 * theirs); null once it is gone.
 */
function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3,
    // utime..cstime are fields 14 to 17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/**
 * Ticks used so far by a server's process tree: live processes' own time, plus what the exited ones
 * used, which the kernel adds to their parent's children time when it reaps them (the postmaster
 * reaps a backend when its connection ends).
 */
function treeTicks(rootPid) {
  let sum = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop();
    const t = processTicks(pid);
    if (t === null) continue;
    sum += t.self + t.children;
    stack.push(...childrenOf(pid));
  }
  return sum;
}

/** True where the figures can be read (Linux). */
export const cpuMeasurable = (() => {
  try {
    machineBusyTicks();
    return processTicks(process.pid) !== null;
  } catch {
    return false;
  }
})();

/**
 * Starts the clock of a contender's measured interval. `stop()` returns wall milliseconds and, over
 * the interval, CPU seconds of the contender (user + system), of the PostgreSQL server's process
 * tree (`postgresPid`: the postmaster), of the S3 server (`s3Pid`: the bench's parent, own time
 * only: the contenders it reaps are not S3 work) and of the whole machine (busy). A figure is null
 * where it cannot be read (no /proc, pid not given). Call `stop()` after the children have exited.
 */
export function startClock({ postgresPid, s3Pid } = {}) {
  const pgPid = cpuMeasurable ? postgresPid : undefined;
  const parentPid = cpuMeasurable ? s3Pid : undefined;
  const t0 = performance.now();
  const self0 = process.cpuUsage();
  const children0 = cpuMeasurable ? processTicks(process.pid).children : 0;
  const pg0 = pgPid ? treeTicks(pgPid) : 0;
  const s30 = parentPid ? (processTicks(parentPid)?.self ?? 0) : 0;
  const machine0 = cpuMeasurable ? machineBusyTicks() : 0;
  return () => {
    const wallMs = performance.now() - t0;
    const self = process.cpuUsage(self0);
    if (!cpuMeasurable) return { wallMs, cpuSeconds: null, postgresCpuSeconds: null, s3CpuSeconds: null, machineCpuSeconds: null };
    const machine = machineBusyTicks();
    const children = processTicks(process.pid).children;
    const s3 = parentPid ? processTicks(parentPid) : null;
    return {
      wallMs,
      cpuSeconds: (self.user + self.system) / 1e6 + (children - children0) / ticksPerSecond,
      postgresCpuSeconds: pgPid ? (treeTicks(pgPid) - pg0) / ticksPerSecond : null,
      s3CpuSeconds: s3 ? (s3.self - s30) / ticksPerSecond : null,
      machineCpuSeconds: (machine - machine0) / ticksPerSecond,
    };
  };
}

/**
 * bench/ack's stall probe, preloaded into every Node process of a bench run (NODE_OPTIONS
 * `--import`) when BENCH_STALLS names a directory. It answers "was the burst late because this
 * process stopped answering, and if so was it busy or not running?":
 * - a stall: a 5 ms timer that fired 25 ms or more late, with how much CPU the main thread used
 *   in that gap and how long it waited, runnable, for a CPU (/proc/thread-self/schedstat): CPU
 *   close to the gap is its own work; waiting, other processes had the CPUs;
 * - a garbage collection of 5 ms or more.
 * Each process writes `<dir>/<pid>.json` when it exits: its entry file and what it saw, stamped
 * with Date.now() so run.ts can line them up with its bursts.
 */
import { Buffer } from 'node:buffer';
import { openSync, readSync, writeFileSync } from 'node:fs';
import { setInterval } from 'node:timers';
import { basename, join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const dir = process.env.BENCH_STALLS;
const stalls = [];
const gcs = [];
const entry = () => basename(process.argv[1] ?? 'node');

/** What this process has seen so far (run.ts reads its own here: it reports before it exits). */
export const seenSoFar = () => ({ pid: process.pid, entry: entry(), stalls, gcs });

if (dir) {
  const TICK_MS = 5;
  const LATE_MS = 25;
  // Nanoseconds this thread has run, and waited runnable for a CPU: one pread of a file kept open
  // (the kernel writes it afresh at offset 0), as readFileSync's open/stat/read/close every 5 ms
  // cost the bot ~4 % of its time in a profile.
  const schedstat = openSync('/proc/thread-self/schedstat', 'r');
  const buffer = Buffer.alloc(128);
  const sched = () => buffer.toString('latin1', 0, readSync(schedstat, buffer, 0, buffer.length, 0)).split(' ', 2).map(Number);
  let last = performance.now();
  let [lastRan, lastWaited] = sched();
  setInterval(() => {
    const now = performance.now();
    const [ran, waited] = sched();
    const gapMs = now - last;
    if (gapMs >= TICK_MS + LATE_MS) {
      stalls.push({ endedAt: Date.now(), gapMs: Math.round(gapMs), cpuMs: Math.round((ran - lastRan) / 1e6), waitedMs: Math.round((waited - lastWaited) / 1e6) });
    }
    [last, lastRan, lastWaited] = [now, ran, waited];
  }, TICK_MS).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration >= 5) gcs.push({ endedAt: Math.round(performance.timeOrigin + e.startTime + e.duration), ms: Math.round(e.duration) });
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(seenSoFar()));
  });
}

/**
 * BENCH_STALLS=dir: line up each burst of bench/ack with what stall-probe.mjs saw in every Node
 * process of the run (this one, `ripcord start`'s executor, the bot, its reader, the bare Bolt
 * app), to tell a bot busy with its own work from a machine that did not run it.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seenSoFar, type Seen } from './stall-probe.mjs';

export interface Burst { round: number; who: 'ripcord' | 'bare Bolt'; kind: 'commands' | 'clicks'; startedAt: number; endedAt: number; acks: number[] }
type ProcessReport = ReturnType<typeof seenSoFar>;

/** Starts the probe here and in every Node process started from now on; the directory, or undefined when not asked for. */
export async function probeStalls(): Promise<string | undefined> {
  const dir = process.env.BENCH_STALLS;
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  const probe = fileURLToPath(new URL('./stall-probe.mjs', import.meta.url));
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${probe}`.trim();
  await import('./stall-probe.mjs');
  return dir;
}

const overlaps = (s: Seen, span: number, b: Burst) => s.endedAt >= b.startedAt && s.endedAt - span <= b.endedAt;

/** One line per burst: its slowest ack, then every stall and GC of any process that overlapped it. */
export function reportStalls(dir: string, bursts: Burst[], log: (line: string) => void): void {
  // This process (the emulators: Slack's side) writes its file only at exit, so it is read here.
  const here = seenSoFar();
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== `${here.pid}.json`);
  const reports = [here, ...files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProcessReport)];
  log(`  stalls (timer ≥ 25 ms late: gap/ran/waited for a CPU, ms) and GCs ≥ 5 ms during each burst, from ${reports.length} processes:`);
  for (const b of bursts) {
    const seen = reports.flatMap((r) => [
      ...r.stalls.filter((s) => overlaps(s, s.gapMs ?? 0, b)).map((s) => `${r.entry} stall ${s.gapMs}/${s.cpuMs}/${s.waitedMs}`),
      ...r.gcs.filter((g) => overlaps(g, g.ms ?? 0, b)).map((g) => `${r.entry} gc ${g.ms}`),
    ]);
    const max = Math.max(...b.acks);
    log(`    ${new Date(b.startedAt).toISOString().slice(11, 23)} round ${b.round} ${b.who} ${b.kind}: max ack ${max.toFixed(0)} ms over ${b.endedAt - b.startedAt} ms${seen.length ? ` — ${seen.join(', ')}` : ''}`);
  }
}

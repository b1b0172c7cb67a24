/** Types of stall-probe.mjs (plain JavaScript: NODE_OPTIONS preloads it into processes that may not load tsx). */
export interface Seen { endedAt: number; gapMs?: number; cpuMs?: number; waitedMs?: number; ms?: number }
export declare function seenSoFar(): { pid: number; entry: string; stalls: Seen[]; gcs: Seen[] };

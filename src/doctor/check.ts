/** A prerequisite check: one line of `ripcord doctor` output. */
import type { RipcordConfig, EnvironmentConfig } from '../config/schema.js';

/** `skip`: the check cannot run yet (e.g. no app runs before the first deploy); the detail says why. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was found, e.g. "pg_dump 15.20, server 15.20". */
  detail: string;
  /** What to do about a warn/fail. */
  fix?: string;
}

export interface DoctorTarget {
  config: RipcordConfig;
  envName: string;
  env: EnvironmentConfig;
  /** The process environment the commands run with (DOCKER_HOST, PATH…). */
  processEnv: Readonly<Record<string, string | undefined>>;
}

export type Check = (target: DoctorTarget) => Promise<CheckResult | CheckResult[]>;

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'warn', detail, fix });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });

/** Turns a thrown error into a failed check, so one broken prerequisite never hides the others. */
export async function guarded(name: string, fix: string, body: () => Promise<CheckResult | CheckResult[]>): Promise<CheckResult[]> {
  try {
    const r = await body();
    return Array.isArray(r) ? r : [r];
  } catch (error) {
    return [fail(name, error instanceof Error ? error.message : String(error), fix)];
  }
}

export function majorOf(version: string): number | null {
  const m = /(\d+)(?:\.(\d+))?/.exec(version);
  return m ? Number(m[1]) : null;
}

const MARKS: Readonly<Record<CheckStatus, string>> = { ok: '✔', warn: '!', fail: '✗', skip: '-' };

/** "✔ name   detail — fix": one line of doctor's plain output. */
export function checkLine(r: CheckResult): string {
  return `${MARKS[r.status]} ${r.name.padEnd(20)} ${r.detail}${r.fix ? ` — ${r.fix}` : ''}`;
}

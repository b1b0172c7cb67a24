/**
 * Whether the health route needs a token, decided by asking it when the app runs: a 401 or 403
 * without an Authorization header says yes, anything else no. When the app does not answer (it
 * is not started yet), a token variable in the app's env files (CRON_SECRET…) decides. The header
 * written names the app's own variable, `Bearer ${CRON_SECRET}`: the value never leaves memory.
 */
import type { AppFacts } from './detect-app.js';

export interface HealthTokenDecision {
  /** The variable the Authorization header is made of; null: no header is written. */
  variable: string | null;
  /** How it was decided, in words, for init's output and the comment in ripcord.yml. */
  finding: string;
}

const PROBE_TIMEOUT_MS = 3000;

/** The status GET `url` answers (null when nothing answers), with `Authorization: Bearer token` when given. */
async function statusOf(url: string, token?: string): Promise<number | null> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}) });
    await res.body?.cancel();
    return res.status;
  } catch {
    return null;
  }
}

export async function decideHealthToken(healthUrl: string, token: AppFacts['healthToken'], flag?: string): Promise<HealthTokenDecision> {
  if (flag) return { variable: flag, finding: `${flag} is sent as the Bearer token (--health-token-variable)` };
  const bare = await statusOf(healthUrl);
  const where = token ? `${token.variable} (in ${token.file})` : '';
  if (bare === null) {
    return token
      ? { variable: token.variable, finding: `the app does not answer ${healthUrl} now; ${where} is sent as its Bearer token` }
      : { variable: null, finding: `the app does not answer ${healthUrl} now, and no token variable was found: no header` };
  }
  if (bare !== 401 && bare !== 403) return { variable: null, finding: `${healthUrl} answered ${bare} without a token: no header` };
  if (!token) return { variable: null, finding: `${healthUrl} answered ${bare} without a token, and no token variable (CRON_SECRET, HEALTH_TOKEN…) was found in the app's env files: pass --health-token-variable NAME` };
  const withToken = await statusOf(healthUrl, token.value);
  return { variable: token.variable, finding: `${healthUrl} answered ${bare} without a token and ${withToken ?? 'nothing'} with ${where} as its Bearer token` };
}

/**
 * Slack's per-method rate limits, as fixed windows: over the limit a call is answered HTTP 429
 * with `Retry-After` (whole seconds until the window ends). chat.postMessage is limited per
 * channel (about one a second, short bursts tolerated), the other methods per app. The windows
 * and their sources are in slack-limits.json. `failEvery` makes every n-th Web API call a 429 as
 * well, for fault tests.
 */
import { methodLimits } from './documented-limits.js';

export interface MethodLimit { limit: number; windowMs: number; perChannel: boolean }

export const DEFAULT_LIMITS: Readonly<Record<string, MethodLimit>> = methodLimits();

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private calls = 0;

  constructor(private readonly limits: Record<string, MethodLimit>, private readonly failEvery = 0) {}

  /** Seconds to wait, or 0 when the call may go through. Counts the call either way. */
  retryAfter(method: string, channel: string | undefined, now = Date.now()): number {
    this.calls += 1;
    if (this.failEvery > 0 && this.calls % this.failEvery === 0) return 1;
    const rule = this.limits[method];
    if (!rule) return 0;
    const key = rule.perChannel ? `${method}:${channel ?? ''}` : method;
    let w = this.windows.get(key);
    if (!w || now - w.start >= rule.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    if (w.count <= rule.limit) return 0;
    return Math.max(1, Math.ceil((w.start + rule.windowMs - now) / 1000));
  }
}

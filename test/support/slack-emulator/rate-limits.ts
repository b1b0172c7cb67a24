/**
 * Slack's per-method rate limits, as fixed windows: over the limit a call is answered HTTP 429
 * with `Retry-After` (whole seconds until the window ends). chat.postMessage is limited per
 * channel (about one a second, short bursts tolerated), chat.update and views.* per app (Tier 3,
 * about 50 a minute). `failEvery` makes every n-th Web API call a 429 as well, for fault tests.
 */
import { CHAT_UPDATE_PER_MINUTE } from '../../../src/slack/limits.js';

export interface MethodLimit { limit: number; windowMs: number; perChannel: boolean }

export const DEFAULT_LIMITS: Readonly<Record<string, MethodLimit>> = {
  'chat.postMessage': { limit: 3, windowMs: 1_000, perChannel: true },
  'chat.update': { limit: CHAT_UPDATE_PER_MINUTE, windowMs: 60_000, perChannel: false },
  'chat.postEphemeral': { limit: 100, windowMs: 60_000, perChannel: false },
  'views.open': { limit: 50, windowMs: 60_000, perChannel: false },
  'views.update': { limit: 50, windowMs: 60_000, perChannel: false },
  'views.publish': { limit: 100, windowMs: 60_000, perChannel: false },
  'auth.test': { limit: 100, windowMs: 60_000, perChannel: false },
  'apps.connections.open': { limit: 50, windowMs: 60_000, perChannel: false },
  'conversations.create': { limit: 20, windowMs: 60_000, perChannel: false },
  'conversations.invite': { limit: 50, windowMs: 60_000, perChannel: false },
  'pins.add': { limit: 20, windowMs: 60_000, perChannel: false },
};

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

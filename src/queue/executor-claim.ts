/**
 * One executor per environment across every host that shares this Redis. An executor claims each
 * of its environments with a Redis key naming it (host, pid) that expires unless its heartbeat
 * renews it; a second executor claiming the same environment is refused with both named. A claim
 * left by an executor on this host whose process is gone (SIGKILL) is taken over at once; one from
 * another host expires after its TTL, since this host cannot see that process.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ExitCode, RipcordError } from '../domain/errors.js';
import { processAlive } from '../state/environment-lock.js';
import { executorClaimKey } from './operation-jobs.js';

export interface ClaimOwner {
  host: string;
  pid: number;
  since: string;
  /** Distinguishes two executors that reuse a pid. */
  token: string;
}

const TTL_MS = 15_000;
const HEARTBEAT_MS = 5_000;

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
const REPLACE = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

export const describeClaim = (o: ClaimOwner) => `pid ${o.pid} on ${o.host} (since ${o.since})`;

export class ExecutorClaims {
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly redis: Redis, private readonly prefix: string, readonly environments: readonly string[], private readonly value: string, private readonly log: Logger) {}

  /** Claims every environment or none: refused with both executors named when one is served elsewhere. */
  static async claim(redis: Redis, prefix: string, environments: readonly string[], log: Logger): Promise<ExecutorClaims> {
    const me: ClaimOwner = { host: hostname(), pid: process.pid, since: new Date().toISOString(), token: randomBytes(6).toString('hex') };
    const value = JSON.stringify(me);
    const taken: string[] = [];
    const claims = new ExecutorClaims(redis, prefix, taken, value, log);
    try {
      for (const env of environments) {
        await claimOne(redis, executorClaimKey(prefix, env), env, me, value);
        taken.push(env);
      }
    } catch (error) {
      await claims.release();
      throw error;
    }
    claims.timer = setInterval(() => void claims.renew(), HEARTBEAT_MS);
    claims.timer.unref();
    return claims;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    for (const env of this.environments) await this.redis.eval(RELEASE, 1, executorClaimKey(this.prefix, env), this.value).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    for (const env of this.environments) {
      const key = executorClaimKey(this.prefix, env);
      try {
        if (await this.redis.eval(RENEW, 1, key, this.value, TTL_MS) === 0) {
          // Expired while Redis was unreachable: take it back unless another executor has it now.
          if (await this.redis.set(key, this.value, 'PX', TTL_MS, 'NX') !== 'OK') this.log.error({ env, holder: await this.redis.get(key) }, 'another executor claimed this environment');
        }
      } catch (error) {
        this.log.warn({ err: error, env }, 'executor heartbeat not renewed; Redis unreachable');
      }
    }
  }
}

async function claimOne(redis: Redis, key: string, env: string, me: ClaimOwner, value: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await redis.set(key, value, 'PX', TTL_MS, 'NX') === 'OK') return;
    const raw = await redis.get(key);
    if (raw === null) continue;
    const other = parseOwner(raw);
    if (other && other.host === me.host && !processAlive(other.pid) && await redis.eval(REPLACE, 1, key, raw, value, TTL_MS) === 1) return;
    if (other) {
      throw new RipcordError('lock_held', `environment ${env} is already served by the executor ${describeClaim(other)}; this executor (${describeClaim(me)}) refuses to serve it too`,
        `stop one of them, or give each host its own environments with \`ripcord executor --env NAME\` (a dead executor's claim expires ${TTL_MS / 1000} s after its last heartbeat)`, ExitCode.refused);
    }
  }
  throw new RipcordError('lock_held', `environment ${env}: the executor claim ${key} could not be read`, `delete the key ${key} in Redis if no executor serves ${env}`, ExitCode.refused);
}

function parseOwner(raw: string): ClaimOwner | null {
  try {
    const o = JSON.parse(raw) as Partial<ClaimOwner>;
    return typeof o.host === 'string' && typeof o.pid === 'number' && typeof o.since === 'string' && typeof o.token === 'string' ? (o as ClaimOwner) : null;
  } catch {
    return null;
  }
}

/**
 * For the service tests: a ripcord.yml with environments that need no Docker (no-op and backup
 * jobs only), a unique Redis key prefix per test file, and the cleanup of both.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import type { RipcordConfig } from '../../src/config/schema.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';

export const newPrefix = () => `rctest-svc-${randomBytes(4).toString('hex')}`;

/** Deletes every key under `prefix` (queues, streams, claims, the backup schedulers). */
export async function dropPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface ServiceFixture {
  root: string;
  configPath: string;
  config: RipcordConfig;
  prefix: string;
  cleanup(): Promise<void>;
}

/** Environments with a plain app dir and backups to a temp dir; the service section listens on a free port. */
export function serviceFixture(envs: string[], extra: Record<string, unknown> = {}, redisUrl = REDIS_URL): ServiceFixture {
  const root = mkdtempSync(join(tmpdir(), 'ripcord-svc-'));
  const prefix = newPrefix();
  const environments: Record<string, unknown> = {};
  for (const name of envs) {
    const appDir = join(root, name, 'app');
    mkdirSync(appDir, { recursive: true });
    mkdirSync(join(root, name, 'backups'), { recursive: true, mode: 0o700 });
    environments[name] = {
      appDir, composeProject: `rcsvc${name}`, composeCommand: 'docker-compose',
      database: { url: 'postgres://postgres@127.0.0.1:5432/postgres' },
      backups: { dir: join(root, name, 'backups'), schedule: { daily: null, weekly: null, monthly: null } },
      health: { url: 'http://127.0.0.1:9/health/' },
    };
  }
  const configPath = join(root, 'ripcord.yml');
  const doc = { stateDir: join(root, 'state'), redis: { url: redisUrl, prefix }, service: { listen: '127.0.0.1:0', outboxFlushSeconds: 5, jobLockSeconds: 5 }, environments, ...extra };
  writeFileSync(configPath, stringify(doc));
  const { config } = loadConfig({ configPath, env: {} });
  return { root, configPath, config, prefix, async cleanup() { await dropPrefix(prefix, redisUrl); rmSync(root, { recursive: true, force: true }); } };
}

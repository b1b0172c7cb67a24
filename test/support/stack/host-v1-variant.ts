/**
 * The host issue 9 found, as a reference-stack variant: compose v1, host networking, migrate/static/
 * integrity in the running `web` service (which `compose run` refuses there), the app database
 * named `postgres`, and a secret in the app's environment. Shared by the test files that run every
 * failing release kind on it (split in two so each file stays within the test timeout).
 */
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ripcord } from '../cli.js';
import { createReferenceStack, type ReferenceStack } from './reference-stack.js';
import { assertAsBefore, hostState } from './rollback-checks.js';

/** Planted in the app's environment (its .env, so compose passes it to web): no Ripcord file may keep it. */
export const APP_SECRET = 'sk-live-4c9e1f0b7d2a-app-secret';

export async function hostV1Stack(): Promise<ReferenceStack> {
  const stack = await createReferenceStack({ database: 'postgres', stageService: 'web' });
  appendFileSync(join(stack.appDir, '.env'), `SECRET_KEY=${APP_SECRET}\n`);
  stack.writeConfig({ health: { url: stack.healthUrl, retries: 4, delaySeconds: 1, timeoutSeconds: 3 } });
  await stack.up();
  return stack;
}

export async function deploy(stack: ReferenceStack, ref: string) {
  const r = await ripcord(['--config', stack.configPath, 'deploy', ref, '--yes', '--json']);
  const report = r.stdout ? JSON.parse(r.stdout) as { outcome: string; reason?: string } : null;
  return { ...r, report };
}

/** A failing release: exit 3, rolled back, the host exactly as before; returns the reason. */
export async function assertRollsBackExactly(stack: ReferenceStack, kind: string, version: string): Promise<string> {
  const before = await hostState(stack);
  const r = await deploy(stack, kind);
  assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
  assert.equal(r.report?.outcome, 'rolled_back', r.report?.reason);
  await assertAsBefore(stack, before, version);
  return r.report?.reason ?? '';
}

/** Every file under Ripcord's state dir (journals, locks, outbox…) that contains `secret`, and any environments file left. */
export function stateFilesHolding(stack: ReferenceStack, secret: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.env.json') || readFileSync(path, 'utf8').includes(secret)) found.push(path);
    }
  };
  walk(stack.stateDir);
  return found;
}

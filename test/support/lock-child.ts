/**
 * A child process for test/integration/environment-lock.test.ts: waits until START_AT (epoch ms)
 * so several children race for the lock at once, tries to acquire it, prints one JSON line with the
 * result, then holds the lock until its stdin closes (HOLD=stdin) or forever, until killed (HOLD=forever).
 * Usage: node --import tsx lock-child.ts STATE_DIR ENV ID START_AT HOLD
 */
import { EnvironmentLocks, LockHeldError } from '../../src/state/environment-lock.js';

const [stateDir = '', env = '', id = '', startAt = '0', hold = 'stdin'] = process.argv.slice(2);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const locks = new EnvironmentLocks(stateDir);
try {
  const lock = await locks.acquire(env, { operation: `deploy by child ${id}`, deploymentId: id });
  process.stdout.write(`${JSON.stringify({ id, won: true, pid: process.pid, tookOverFrom: lock.tookOverFrom })}\n`);
  if (hold === 'forever') await new Promise(() => setInterval(() => undefined, 60_000));
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once('end', resolve));
  await lock.release();
} catch (error) {
  if (!(error instanceof LockHeldError)) throw error;
  process.stdout.write(`${JSON.stringify({ id, won: false, pid: process.pid, message: error.message })}\n`);
}

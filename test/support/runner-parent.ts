/**
 * A stand-in executor for test/integration/process-runner.test.ts: starts `sleep 60` through
 * runCommand, prints the child's PID, then waits to be killed. With `graceful`, it handles SIGTERM
 * as the service does — a `process.once` listener registered at start-up, before any child — by
 * waiting for the child, then exiting 0.
 * Usage: node --import tsx runner-parent.ts [graceful]
 */
import { runCommand, type CommandResult } from '../../src/adapters/process-runner.js';

const children: Array<Promise<CommandResult>> = [];
if (process.argv[2] === 'graceful') process.once('SIGTERM', () => void Promise.all(children).then(() => process.exit(0)));
children.push(runCommand({ argv: ['sleep', '60'], onSpawn: (pid) => process.stdout.write(`${pid}\n`) }));
setInterval(() => undefined, 60_000);

// One Ripcord backup operation in its own process, from the compiled code (as production runs it),
// so bench/backup can report Ripcord's own time and peak resident memory apart from the harness.
//   node bench/backup/ripcord-op.js DIST_DIR create|verify|restore ENV_JSON [NAME]
// Prints one JSON line: { ms, maxRssMb, result }.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';

const [dist, op, envJson, name] = process.argv.slice(2);
const backups = await import(pathToFileURL(join(dist, 'backups', 'index.js')).href);
const { environmentSchema } = await import(pathToFileURL(join(dist, 'config', 'schema.js')).href);
const env = environmentSchema.parse(JSON.parse(envJson));
const started = performance.now();
const result = op === 'create' ? await backups.createBackup(env, { kind: 'manual', verify: false })
  : op === 'verify' ? await backups.verifyBackup(env, name)
  : op === 'restore' ? await backups.restoreBackup(env, name, { skipSafety: true })
  : null;
if (result === null) throw new Error(`unknown operation ${op}`);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, result })}\n`);

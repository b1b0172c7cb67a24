/** Runs every check for one environment; exit 0 only when nothing needed failed (warnings and skipped checks pass). */
import { guarded, type Check, type CheckResult, type DoctorTarget } from './check.js';
import { checkDatabase } from './database-checks.js';
import { checkDatabaseService } from './database-service-check.js';
import { checkBackupDir, checkCompose, checkDocker, checkGit, checkStateDir } from './host-checks.js';
import { checkRedis, checkSlack } from './service-checks.js';
import { checkStageServices } from './stage-checks.js';
import { checkAppStartingPoint } from './starting-point-check.js';

export interface DoctorOptions {
  /** Break-glass hosts run the CLI only: Redis and Slack are not needed there. */
  cliOnly?: boolean;
}

const checks: ReadonlyArray<[string, Check, string, boolean]> = [
  ['git', checkGit, 'install git and clone the app into appDir', false],
  ['docker engine', checkDocker, 'start the Docker engine', false],
  ['compose', checkCompose, 'install Docker Compose', false],
  ['stage services', checkStageServices, 'make a one-off command run in each stage\'s service', false],
  ['database', checkDatabase, 'check database.url / database.service', false],
  ['database service', checkDatabaseService, 'set database.service to the compose service running PostgreSQL', false],
  ['app database', checkAppStartingPoint, 'check that database.name is the app\'s database and the app answers its health check', false],
  ['state dir', checkStateDir, 'create stateDir', false],
  ['backup dir', checkBackupDir, 'create backups.dir with mode 0700', false],
  ['redis', checkRedis, 'start Redis or fix redis.url', true],
  ['slack', checkSlack, 'set the Slack tokens', true],
];

export async function runDoctor(target: DoctorTarget, options: DoctorOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [name, check, fix, frontEndOnly] of checks) {
    if (options.cliOnly && frontEndOnly) continue;
    results.push(...(await guarded(name, fix, () => check(target))));
  }
  return results;
}

export function doctorPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail');
}

/**
 * The old rollback.sh menu, with arrow keys: recent releases, backups, roll back to a release,
 * restore a backup, full, status, quick. Releases show tag + SHA + age in words, so nobody looks a
 * version up; only releases that ran here are offered.
 */
import { select } from '@inquirer/prompts';
import { formatDistanceToNow } from 'date-fns';
import { listBackups, standingOf } from '../backups/index.js';
import { checkLabel } from '../domain/backup-check.js';
import type { RipcordConfig } from '../config/schema.js';
import { ExitCode } from '../domain/errors.js';
import type { ManualRollbackRequest } from '../domain/manual-rollback.js';
import { environmentStatus } from '../executor/environment-status.js';
import type { ExecutorEnv } from '../executor/executor-env.js';
import { rollbackTargets, type RollbackTarget } from '../executor/manual-rollback-inputs.js';
import { statusLines } from './commands/status.js';
import type { CliContext } from './context.js';
import { confirmAndRollBack, type RollbackCliOptions } from './rollback-run.js';
import { shortSha } from '../domain/ref.js';

type Choice = 'commits' | 'backups' | 'commit' | 'backup' | 'full' | 'status' | 'quick' | 'quit';

const MENU: ReadonlyArray<{ name: string; value: Choice }> = [
  { name: '1) Recent releases that ran here', value: 'commits' },
  { name: '2) Backups', value: 'backups' },
  { name: '3) Roll back to a release (code and images)', value: 'commit' },
  { name: '4) Restore a backup (database only)', value: 'backup' },
  { name: '5) Full rollback (release and backup)', value: 'full' },
  { name: '6) Status', value: 'status' },
  { name: '7) Quick rollback to the previous release', value: 'quick' },
  { name: 'Quit', value: 'quit' },
];

const ago = (iso: string | null) => (iso ? formatDistanceToNow(new Date(iso), { addSuffix: true }) : 'before Ripcord');

function releaseLine(r: RollbackTarget): string {
  return `${(r.tags.join(', ') || '(untagged)').padEnd(14)} ${shortSha(r.sha)}  live until ${ago(r.liveUntil)}${r.liveSince ? `, deployed ${ago(r.liveSince)}` : ''}`;
}

async function backupChoices(x: ExecutorEnv): Promise<Array<{ name: string; value: string }>> {
  return (await listBackups(x.env)).map((b) => ({
    name: `${b.name.padEnd(36)} ${b.kind.padEnd(9)} ${ago(b.createdAt).padEnd(18)} ${checkLabel(standingOf(b))}`, value: b.name,
  }));
}

async function pickRelease(x: ExecutorEnv, ctx: CliContext): Promise<string | null> {
  const targets = await rollbackTargets(x);
  if (targets.length === 0) { ctx.out('no earlier release has run here yet'); return null; }
  return select({ message: 'Roll back to which release?', choices: targets.map((t) => ({ name: releaseLine(t), value: t.sha })) });
}

/** What the chosen entry asks for; null when it only showed something (or had nothing to offer). */
async function requestFor(choice: Choice, x: ExecutorEnv, ctx: CliContext): Promise<ManualRollbackRequest | null> {
  switch (choice) {
    case 'commits': {
      const targets = await rollbackTargets(x);
      for (const line of targets.length ? targets.map(releaseLine) : ['no earlier release has run here yet']) ctx.out(line);
      return null;
    }
    case 'backups': {
      const choices = await backupChoices(x);
      for (const line of choices.length ? choices.map((c) => c.name) : [`no backups in ${x.env.backups.dir}`]) ctx.out(line);
      return null;
    }
    case 'status':
      for (const line of statusLines(await environmentStatus(x))) ctx.out(line);
      return null;
    case 'quick':
      return { kind: 'quick', database: 'auto' };
    case 'commit': {
      const sha = await pickRelease(x, ctx);
      return sha ? { kind: 'commit', level: 1, ref: sha } : null;
    }
    case 'backup': {
      const choices = await backupChoices(x);
      if (choices.length === 0) { ctx.out(`no backups in ${x.env.backups.dir}`); return null; }
      return { kind: 'backup', backup: await select({ message: 'Restore which backup?', choices }) };
    }
    case 'full': {
      const sha = await pickRelease(x, ctx);
      if (!sha) return null;
      const auto = { name: '(the newest verified backup taken while that release was live)', value: '' };
      const backup = await select({ message: 'With which backup?', choices: [auto, ...(await backupChoices(x))] });
      return { kind: 'full', level: 3, ref: sha, ...(backup ? { backup } : {}) };
    }
    case 'quit':
      return null;
  }
}

export async function runRollbackMenu(x: ExecutorEnv, config: RipcordConfig, opts: RollbackCliOptions, ctx: CliContext): Promise<void> {
  try {
    for (let shown = 0; shown < 200; shown++) {
      const choice = await select<Choice>({ message: `Ripcord rollback — ${x.name}`, choices: [...MENU], pageSize: MENU.length });
      if (choice === 'quit') break;
      const request = await requestFor(choice, x, ctx);
      if (request) return await confirmAndRollBack(x, config, request, opts, ctx);
    }
    ctx.exitCode = ExitCode.ok;
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') { ctx.exitCode = ExitCode.refused; return; }
    throw error;
  }
}

/**
 * Manual rollbacks, chosen by a person: quick, to a commit, to a backup, or both (full), and the
 * runbook's Levels 1/2/3 mapped onto them. Pure: the executor resolves the target release, the
 * backup and the current state, and this turns them into a plan of ordinary rollback steps — the
 * same steps, lock, journal and checks as the automatic rollback.
 */
import { newestGoodBackup } from './backup-check.js';
import { BadInputError } from './errors.js';
import type { PlanServiceCommand } from './plan.js';
import type { RollbackPlan, RollbackStep } from './rollback-plan.js';
import { deniedSchemaCommand } from './schema-command-policy.js';
import { shortSha } from './ref.js';

export type ManualRollbackKind = 'quick' | 'commit' | 'backup' | 'full';
/** Runbook levels: 1 code and images only; 2 code plus a reversal migration; 3 code plus a database restore. */
export type RollbackLevel = 1 | 2 | 3;

export interface ManualRollbackRequest {
  kind: ManualRollbackKind;
  /** 2 adds the configured schema step to a code rollback. */
  level?: RollbackLevel;
  /** commit / full: a tag, branch or SHA (validated by the caller); quick and levels default to the previous release. */
  ref?: string;
  /** backup / full: a backup name in the backup dir. */
  backup?: string;
  /** quick: restore the previous release's pre-deploy backup unless that release ran on the live database (auto), always, or never; commit: keep even when it did not. */
  database?: 'auto' | 'restore' | 'keep';
  /** The person said so (`--from-other-database`): a backup of another database may replace the app's. */
  fromOtherDatabase?: boolean;
}

/** The release to go back to, resolved by the executor. */
export interface TargetRelease {
  sha: string;
  ref: string | null;
  /** Image IDs it last ran with; {} when none are known (they are then built from its code). */
  images: Readonly<Record<string, string>>;
  /** False when no journal shows it live on this environment: it is never offered, only typed. */
  ran: boolean;
  liveSince: string | null;
}

export interface TargetBackup {
  name: string;
  kind: string;
  createdAt: string;
  /** Verified and unchanged since; false for a corrupt one. */
  verified: boolean;
  /** Why it fails its check (src/domain/backup-check.ts); absent when it does not. */
  corrupt?: string;
  releaseSha: string | null;
  /** Set when it was chosen because the pre-deploy backup is corrupt: that backup's name and why. */
  standsInFor?: { name: string; corrupt: string };
  /** The database the dump holds, from its manifest; `unknown` for an old dump without one. */
  database?: string;
}

export interface ManualPlanInputs {
  request: ManualRollbackRequest;
  environment: string;
  currentSha: string;
  currentImages: Readonly<Record<string, string>>;
  /** Null when the code stays (a backup-only rollback). */
  target: TargetRelease | null;
  /** Null when the database stays. */
  backup: TargetBackup | null;
  /** The app's database, as ripcord.yml names it: what a restore replaces. */
  liveDatabase?: string;
  /** Why the database is (or is not) restored, in words, for quick. */
  databaseReason?: string;
  schemaCommand: PlanServiceCommand | null;
}

export interface ManualRollbackPlan {
  kind: 'manual_rollback';
  request: ManualRollbackRequest;
  level: RollbackLevel;
  environment: string;
  fromSha: string;
  /** Equal to fromSha when the code stays. */
  toSha: string;
  toRef: string | null;
  backup: TargetBackup | null;
  steps: readonly RollbackStep[];
  /** What a person must know before confirming, in words. */
  warnings: readonly string[];
  databaseReason: string | null;
}

function levelOf(i: ManualPlanInputs): RollbackLevel {
  if (i.backup) return 3;
  return i.request.level === 2 ? 2 : 1;
}

function refuse(message: string, fix: string): never {
  throw new BadInputError(message, fix);
}

/** The database the backup holds when it is known and is not the app's; null otherwise. */
function otherDatabase(i: ManualPlanInputs): string | null {
  const held = i.backup?.database;
  return held && held !== 'unknown' && i.liveDatabase && held !== i.liveDatabase ? held : null;
}

function checkInputs(i: ManualPlanInputs): void {
  const { kind, level } = i.request;
  if ((kind === 'backup' || kind === 'full') && !i.backup) refuse(`a ${kind} rollback needs a backup, and no verified one was taken while that release was live`, 'name one from `ripcord backups list`');
  if (i.backup?.corrupt) {
    refuse(`backup ${i.backup.name} is corrupt: ${i.backup.corrupt}`, 'name a good one from `ripcord backups list` (one shown as verified), or re-check this one with `ripcord backups verify NAME`');
  }
  if (kind !== 'backup' && !i.target) {
    refuse(`no release to roll ${i.environment} back to: no finished deploy made ${shortSha(i.currentSha)} live`, 'name a release with `ripcord rollback commit REF`, or see `ripcord rollback` (menu) for the releases that ran');
  }
  if (kind !== 'backup' && kind !== 'full' && i.target?.sha === i.currentSha) {
    refuse(`${i.environment} already runs ${shortSha(i.currentSha)}`, 'choose another release, or restore only the database with `ripcord rollback backup NAME`');
  }
  const other = otherDatabase(i);
  if (other && !i.request.fromOtherDatabase) {
    refuse(`backup ${i.backup?.name} holds database ${other}, not ${i.liveDatabase} (the app's database in ripcord.yml): restoring it would replace ${i.liveDatabase}'s tables with those of ${other}`,
      `choose a backup of ${i.liveDatabase} (\`ripcord backups list\` shows each one's database), or pass --from-other-database if you mean it`);
  }
  if (level === 2) {
    if (kind === 'backup' || kind === 'full') refuse('level 2 (code + schema) does not restore a backup', 'use level 3 (`ripcord rollback full REF BACKUP`) to restore a backup');
    if (!i.schemaCommand) refuse(`level 2 needs rollback.schemaCommand for ${i.environment}`, 'set rollback.schemaCommand in ripcord.yml to your reversal migration (e.g. { service: web, command: "python manage.py migrate shop 0041" })');
    const denied = deniedSchemaCommand(i.schemaCommand.command);
    if (denied) refuse(`rollback.schemaCommand \`${i.schemaCommand.command}\` is refused: ${denied}`, 'configure a forward "reversal" migration instead; Ripcord never resets or drops a production database');
  }
}

function warningsOf(i: ManualPlanInputs, codeMoves: boolean): string[] {
  const w: string[] = [];
  if (codeMoves && i.target && !i.target.ran) w.push(`${i.target.ref ?? shortSha(i.target.sha)} never ran on ${i.environment}: its images are built from its code and nothing is known about its health`);
  if (codeMoves && i.target && Object.keys(i.target.images).length === 0 && i.target.ran) w.push('no image IDs of that release are kept: its images are built from its code');
  if (i.backup?.standsInFor) w.push(`the pre-deploy backup ${i.backup.standsInFor.name} is corrupt (${i.backup.standsInFor.corrupt}): ${i.backup.name}, the newest good backup of that release, is used instead`);
  if (i.backup && !i.backup.verified) w.push(`backup ${i.backup.name} is not verified yet: it is verified before anything changes, and the rollback stops if that fails`);
  if (i.backup) w.push(`the database goes back to ${i.backup.createdAt}: writes since then are replaced (a safety backup keeps them)`);
  const other = otherDatabase(i);
  if (other) w.push(`backup ${i.backup?.name} holds database ${other}: its tables replace those of ${i.liveDatabase} (--from-other-database)`);
  if (i.backup?.database === 'unknown') w.push(`backup ${i.backup.name} has no manifest: which database it holds is unknown`);
  const toSha = i.target?.sha ?? i.currentSha;
  if (i.backup?.releaseSha && i.backup.releaseSha !== toSha) w.push(`backup ${i.backup.name} was taken while ${shortSha(i.backup.releaseSha)} was live, not ${shortSha(toSha)}`);
  return w;
}

/** The steps, in the order that keeps downtime short: code and images first, stop only to change the database. */
function stepsOf(i: ManualPlanInputs, level: RollbackLevel, codeMoves: boolean): RollbackStep[] {
  const target = i.target;
  const images = codeMoves && target ? target.images : i.currentImages;
  const build: RollbackStep[] = codeMoves && Object.keys(images).length === 0 ? [{ kind: 'build_images' }] : [];
  const code: RollbackStep[] = codeMoves && target ? [{ kind: 'git_reset', sha: target.sha }] : [];
  const start: RollbackStep = { kind: 'start_previous_images', images, rebuildMissing: true };
  const checks: RollbackStep[] = [{ kind: 'health' }, { kind: 'integrity' }];
  if (level === 2 && i.schemaCommand && target) {
    // The reversal runs in the release still deployed: only it knows the migrations it applied.
    return [{ kind: 'stop_new_services' }, { kind: 'safety_backup' }, { kind: 'schema_command', command: i.schemaCommand, targetSha: target.sha }, ...code, ...build, start, ...checks];
  }
  if (i.backup) {
    return [...code, ...build, { kind: 'stop_new_services' }, { kind: 'restore_database', strategy: 'dump_restore', backup: i.backup.name }, start, ...checks];
  }
  return [...code, ...build, start, ...checks];
}

/** The plan for a manual rollback; throws {@link BadInputError} (exit 2, nothing changed) when it cannot run. */
export function buildManualRollbackPlan(i: ManualPlanInputs): ManualRollbackPlan {
  checkInputs(i);
  const level = levelOf(i);
  const codeMoves = Boolean(i.target && i.target.sha !== i.currentSha);
  return {
    kind: 'manual_rollback', request: i.request, level, environment: i.environment,
    fromSha: i.currentSha, toSha: i.target?.sha ?? i.currentSha, toRef: i.target?.ref ?? null, backup: i.backup,
    steps: stepsOf(i, level, codeMoves), warnings: warningsOf(i, codeMoves), databaseReason: i.databaseReason ?? null,
  };
}

/**
 * The backup a full rollback to `sha` restores when none is named: the newest verified one taken
 * while that release was live, else the pre-deploy dump taken just before it stopped being live.
 * Never a corrupt one.
 */
export function backupForRelease(backups: readonly TargetBackup[], sha: string, preDeployBackup: string | null): TargetBackup | null {
  return newestGoodBackup(backups, sha) ?? backups.find((b) => b.name === preDeployBackup && !b.corrupt) ?? null;
}

/**
 * The backup that holds the database from before a change away from `sha`: its pre-deploy dump,
 * or — when that dump is corrupt — the newest good backup taken while `sha` was live, marked as
 * standing in for it. Null when the dump is gone, or corrupt with nothing good to stand in.
 */
export function preDeployBackupOf(backups: readonly TargetBackup[], preDeployBackup: string | null, sha: string): TargetBackup | null {
  const predeploy = preDeployBackup ? backups.find((b) => b.name === preDeployBackup) : undefined;
  if (!predeploy?.corrupt) return predeploy ?? null;
  const standIn = newestGoodBackup(backups, sha);
  return standIn ? { ...standIn, standsInFor: { name: predeploy.name, corrupt: predeploy.corrupt } } : null;
}

/** Fact key: the manual plan, journaled before its first step, so recovery resumes exactly it. */
export const MANUAL_PLAN_FACT = 'manualRollbackPlan';

/**
 * The plan a manual rollback journaled, as a rollback plan the runner executes; null for a
 * journal without one (a deploy's rollback is derived from what the deploy did instead).
 */
export function journaledRollbackPlan(facts: Readonly<Record<string, unknown>>): RollbackPlan | null {
  const plan = facts[MANUAL_PLAN_FACT] as Partial<ManualRollbackPlan> | undefined;
  if (!plan || typeof plan !== 'object' || !Array.isArray(plan.steps)) return null;
  const steps = plan.steps.filter((s): s is RollbackStep => typeof s === 'object' && s !== null && typeof (s as { kind?: unknown }).kind === 'string');
  const moves = typeof plan.toSha === 'string' && plan.toSha !== plan.fromSha;
  return { kind: 'rollback', toSha: moves ? (plan.toSha ?? null) : null, steps, warnings: [], complete: true };
}

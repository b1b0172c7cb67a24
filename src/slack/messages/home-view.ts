/**
 * The App Home tab, pure: per environment its current release and health, the last five
 * operations with their outcomes, the newest verified backup and its age, the lock holder, and
 * buttons for the common acts (deploy…, roll back…, back up now). Action IDs carry the environment
 * (`home_rollback:production`) because they must be unique within the view.
 */
import type { EnvironmentStatus } from '../../executor/environment-status.js';
import type { RecentOperation } from '../../queue/recent-operations.js';
import { shortSha } from '../../domain/ref.js';
import { MAX_BLOCKS_PER_VIEW } from '../limits.js';
import { checkMark } from './backups-message.js';
import { actions, button, context, divider, header, section, type Block } from './blocks.js';
import { age, code, cut, escapeText } from './mrkdwn.js';
import type { HomeView } from './views.js';

export const HOME_DEPLOY_ACTION = 'home_deploy';
export const HOME_ROLLBACK_ACTION = 'home_rollback';
export const HOME_BACKUP_ACTION = 'home_backup';
export const HOME_REFRESH_ACTION = 'home_refresh';
const BLOCKS_PER_ENVIRONMENT = 8;

export interface HomeEnvironment {
  environment: string;
  /** Null when it could not be read; `problem` says why. */
  status: EnvironmentStatus | null;
  problem?: string;
  recent: readonly RecentOperation[];
}

const OUTCOME: Record<RecentOperation['outcome'], string> = {
  succeeded: ':white_check_mark: succeeded', rolled_back: ':leftwards_arrow_with_hook: rolled back', refused: ':no_entry: refused',
  failed: ':x: failed', rollback_failed: ':rotating_light: rollback failed', running: ':hourglass_flowing_sand: running', queued: ':double_vertical_bar: queued',
};

function operationLine(o: RecentOperation, now: Date): string {
  const what = o.operation ? escapeText(cut(o.operation, 80)) : `operation ${code(o.operationId)}`;
  const who = o.requestedBy ? ` by ${escapeText(o.requestedBy)}` : '';
  const why = o.reason && o.outcome !== 'succeeded' ? ` — ${escapeText(cut(o.reason, 160))}` : '';
  return `• ${OUTCOME[o.outcome]} ${what}${who}, ${age(o.submittedAt, now)}${why}`;
}

function environmentBlocks(e: HomeEnvironment, now: Date): Block[] {
  const blocks: Block[] = [header(e.environment)];
  const s = e.status;
  if (!s) blocks.push(section(`:warning: ${escapeText(e.problem ?? 'its state could not be read')}`));
  else {
    const release = `${s.release.tags.map(code).join(', ') || '_untagged_'} ${code(shortSha(s.release.sha))}`;
    const health = s.health.healthy ? ':large_green_circle: healthy' : `:red_circle: FAILING — ${escapeText(cut(s.health.summary, 200))}`;
    const v = s.newestVerifiedBackup;
    // Shown when the newest backup is corrupt: the verified one above is then older than it looks.
    const corrupt = s.newestBackup?.corrupt ? `\n*Newest backup:* ${code(s.newestBackup.name)} ${checkMark(s.newestBackup)}` : '';
    blocks.push(section(`*Release:* ${release}\n*Health:* ${health}\n*Lock:* ${s.lock ? `:lock: ${escapeText(s.lock)}` : 'free'}\n*Newest verified backup:* ${v ? `${code(v.name)} (${escapeText(v.kind)}, ${age(v.createdAt, now)})` : '_none_'}${corrupt}`));
  }
  const recent = e.recent.slice(0, 5);
  blocks.push(section(`*Last operations*\n${recent.length ? recent.map((o) => operationLine(o, now)).join('\n') : '_none submitted through Slack yet_'}`));
  blocks.push(actions(`home_actions_${e.environment}`, [
    button({ actionId: `${HOME_DEPLOY_ACTION}:${e.environment}`, text: 'Deploy…', value: e.environment }),
    button({ actionId: `${HOME_ROLLBACK_ACTION}:${e.environment}`, text: 'Roll back…', value: e.environment }),
    button({ actionId: `${HOME_BACKUP_ACTION}:${e.environment}`, text: 'Back up now', value: e.environment }),
  ]));
  return blocks;
}

export function homeView(environments: readonly HomeEnvironment[], now: Date): HomeView {
  const perView = Math.floor((MAX_BLOCKS_PER_VIEW - 3) / BLOCKS_PER_ENVIRONMENT);
  const shown = environments.slice(0, perView);
  const blocks: Block[] = shown.flatMap((e, i) => (i > 0 ? [divider(), ...environmentBlocks(e, now)] : environmentBlocks(e, now)));
  if (environments.length > shown.length) blocks.push(context(`…and ${environments.length - shown.length} more environments: \`/status ENV\``));
  blocks.push(context(`Updated ${now.toISOString().replace('T', ' ').slice(0, 16)} UTC · \`/deploy\`, \`/rollback\`, \`/backups\`, \`/status\``));
  blocks.push(actions('home_global', [button({ actionId: HOME_REFRESH_ACTION, text: 'Refresh', value: 'refresh' })]));
  return { type: 'home', blocks };
}

/** The ephemeral answer to `/status [ENV]`: release, health, lock holder, last operation, newest backup. Pure. */
import type { EnvironmentStatus } from '../../executor/environment-status.js';
import { shortSha } from '../../domain/ref.js';
import { section, type Block, type SlackMessage } from './blocks.js';
import { checkMark } from './backups-message.js';
import { age, code, escapeText } from './mrkdwn.js';

function statusBlocks(s: EnvironmentStatus, now: Date): Block[] {
  const release = `${s.release.tags.map(code).join(', ') || '_untagged_'} ${code(shortSha(s.release.sha))}`;
  const op = s.lastOperation;
  const b = s.newestBackup;
  const lines = [
    `*${escapeText(s.environment)}*: ${release}`,
    `Health: ${s.health.healthy ? ':large_green_circle: ok' : ':red_circle: FAILING'} — ${escapeText(s.health.summary)}`,
    `Services: ${s.services.map((x) => `${escapeText(x.service)} ${escapeText(x.state)}${x.health ? ` (${escapeText(x.health)})` : ''}`).join(', ') || '_none running_'}`,
    `Lock: ${s.lock ? escapeText(s.lock) : 'free'}`,
    `Last operation: ${op ? `${escapeText(op.kind)} ${op.ref ? code(op.ref) : ''} ${escapeText(op.state)}${op.reason ? ` — ${escapeText(op.reason)}` : ''} (${age(op.startedAt, now)})` : '_none_'}`,
    `Newest backup: ${b ? `${code(b.name)} (${escapeText(b.kind)}, ${age(b.createdAt, now)}, ${b.verified ? 'verified' : b.corrupt ? checkMark(b) : 'NOT verified'})` : '_none_'}`,
  ];
  return [section(lines.join('\n'))];
}

export function statusMessage(statuses: readonly EnvironmentStatus[], now: Date): SlackMessage {
  const blocks = statuses.flatMap((s, i) => (i > 0 ? [{ type: 'divider' }, ...statusBlocks(s, now)] : statusBlocks(s, now)));
  const text = statuses.map((s) => `${s.environment}: ${s.release.tags[0] ?? shortSha(s.release.sha)}, health ${s.health.healthy ? 'ok' : 'failing'}`).join('; ');
  return { text: escapeText(text), blocks: blocks.slice(0, 49) };
}

/**
 * `/backups create|verify` and the Home tab's "Back up now", as one use case: the same gate as
 * every other act from Slack (submit-and-follow.ts) under `permissions.backup` — a refusal is
 * answered privately and audited; an allowed one is audited as asked, started and finished — then
 * one operation per Slack interaction (its trigger_id), followed in the environment's channel.
 * No preview and no approval: a backup changes nothing that runs.
 */
import type { OperationRequest } from '../operations/request.js';
import type { Respond } from './access/gatekeeper.js';
import { backupTaskRequestId } from './backups-request.js';
import { slackUser, type BotContext } from './bot-context.js';
import type { Reply } from './reply.js';
import { submitAndFollow, type Asker } from './submit-and-follow.js';

export interface BackupTask {
  environment: string;
  /** A manual backup, or a verify of the named backup. */
  backup: { kind: 'create' } | { kind: 'verify'; name: string };
  user: Asker['user'];
  /** The channel it was asked in; null from the Home tab. */
  channel: string | null;
  /** The Slack interaction (trigger_id): a re-delivered command or a double click is one operation. */
  interactionId: string;
  /** Where a refusal goes (ephemeral, or a modal from the Home tab). */
  refuse: Respond;
  reply: Reply;
}

export async function submitBackupTask(ctx: BotContext, t: BackupTask): Promise<void> {
  const base = { environment: t.environment, requestedBy: slackUser(t.user), source: 'slack' } as const;
  const [request, what, target]: [OperationRequest, string, string] = t.backup.kind === 'create'
    ? [{ ...base, requestId: backupTaskRequestId('create', t.environment, t.interactionId), operation: { kind: 'backup_create', backupKind: 'manual' } }, 'Backup', 'manual backup']
    : [{ ...base, requestId: backupTaskRequestId('verify', t.environment, t.interactionId, t.backup.name), operation: { kind: 'backup_verify', backup: t.backup.name, deep: false } }, `Verify ${t.backup.name}`, `verify ${t.backup.name}`];
  await submitAndFollow(ctx, request, what, t.reply, {
    action: 'backup', user: t.user, channel: t.channel, target, refuse: t.refuse, held: `back up (${target})`,
    // Nothing was previewed, so nothing can have gone stale.
    stale: () => Promise.resolve(null),
  });
}

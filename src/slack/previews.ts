/**
 * The previews a person confirms, each made once here and used by the commands, the modal and the
 * Fresh preview button: a deploy (from → to, commits, migrations), a manual rollback (from → to,
 * database restored or kept and why) and a restore. Each carries the SHA it was made against and
 * when, so the confirm can tell whether it still holds (preview-freshness.ts).
 */
import type { ManualRollbackRequest } from '../domain/manual-rollback.js';
import type { BotContext } from './bot-context.js';
import { encodeRestoreConfirm } from './backups-request.js';
import { encodeConfirm } from './deploy-request.js';
import type { SlackMessage } from './messages/blocks.js';
import { restorePreviewMessage } from './messages/backups-message.js';
import { deployPreviewMessage } from './messages/deploy-preview.js';
import { rollbackPreviewMessage, type RollbackPreviewView } from './messages/rollback-preview.js';
import type { PreviewAsk } from './preview-ask.js';
import { encodeRollbackConfirm } from './rollback-request.js';

export async function deployPreview(ctx: BotContext, environment: string, ref: string, requestedBy: string): Promise<SlackMessage> {
  const p = await ctx.useCases.previewDeploy(environment, ref, requestedBy);
  const previewedAt = ctx.now();
  return deployPreviewMessage({
    environment, ref, current: p.current, target: p.target,
    commits: p.plan.preview?.commits ?? [],
    migrations: { known: p.plan.preview?.migrations.known ?? true, why: p.plan.preview?.migrations.why ?? 'none', files: (p.plan.preview?.migrations.files ?? []).map((m) => m.path) },
    databaseOnFailure: p.databaseOnFailure, stages: p.plan.stages.map((s) => s.name), requestedBy, lockHeldBy: p.lockHeldBy,
    confirmValue: encodeConfirm({ environment, ref, fromSha: p.plan.currentSha, toSha: p.plan.targetSha, previewedAt: previewedAt.getTime() }),
    previewedAt,
  });
}

export async function rollbackPreview(ctx: BotContext, environment: string, choice: ManualRollbackRequest, requestedBy: string): Promise<RollbackPreviewView> {
  const p = await ctx.useCases.previewRollback(environment, choice, requestedBy);
  const previewedAt = ctx.now();
  const confirmValue = encodeRollbackConfirm({ environment, choice, fromSha: p.plan.fromSha, toSha: p.plan.toSha, backup: p.plan.backup?.name ?? null, previewedAt: previewedAt.getTime() });
  return { environment, plan: p.plan, labels: p.labels, requestedBy, lockHeldBy: p.lockHeldBy, confirmValue, previewedAt };
}

export async function restorePreview(ctx: BotContext, environment: string, backup: string, requestedBy: string): Promise<SlackMessage> {
  const p = await ctx.useCases.previewRestore(environment, backup);
  const previewedAt = ctx.now();
  const confirmValue = encodeRestoreConfirm({ environment, backup: p.backup.name, fromSha: p.currentSha, previewedAt: previewedAt.getTime() });
  return restorePreviewMessage({ environment, backup: p.backup, requestedBy, lockHeldBy: p.lockHeldBy, confirmValue, previewedAt });
}

/** A preview again, for the Fresh preview button. */
export async function previewOf(ctx: BotContext, ask: PreviewAsk, requestedBy: string): Promise<SlackMessage> {
  switch (ask.kind) {
    case 'deploy': return deployPreview(ctx, ask.environment, ask.ref, requestedBy);
    case 'rollback': return rollbackPreviewMessage(await rollbackPreview(ctx, ask.environment, ask.choice, requestedBy));
    case 'restore': return restorePreview(ctx, ask.environment, ask.backup, requestedBy);
  }
}

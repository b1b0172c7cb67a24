/**
 * Approval requests waiting in the deploy channel, held by the bot process: the operation to
 * submit once approved, who asked, where the request message is, when it expires. The first
 * decision wins (a second Approve is told it was already decided), and the operation's request
 * ID comes from the preview, so even two racing approvals submit it once. A restarted bot forgets
 * pending approvals: their buttons then answer that the request is no longer open. An approval
 * of a preview that no longer holds (the environment changed while it waited) submits nothing.
 */
import { randomBytes } from 'node:crypto';
import type { SlackAction } from '../../config/schema.js';
import type { OperationRequest } from '../../operations/request.js';
import type { SlackUser } from './permission-rules.js';

export interface HeldOperation {
  action: SlackAction;
  environment: string;
  /** The ref, the rollback target or the backup: what the audit calls the target. */
  target: string;
  /** In words for the messages: "deploy `v1.2.0`". */
  what: string;
  /** The progress message title: "deploy v1.2.0". */
  title: string;
  request: OperationRequest;
  requester: SlackUser;
  /** The channel the request came from. */
  channel: string;
  /** The live release the confirmed preview showed (undefined: no preview to hold to); checked again on Approve. */
  shownFromSha?: string | null;
}

export interface Approval {
  id: string;
  op: HeldOperation;
  expiresAt: number;
  message: { channel: string; ts: string } | null;
  decided: { kind: 'approved' | 'denied' | 'expired'; by: SlackUser | null } | null;
}

export type Decision =
  | { kind: 'decided'; approval: Approval }
  | { kind: 'already'; approval: Approval }
  | { kind: 'expired'; approval: Approval }
  | { kind: 'unknown' };

export class ApprovalBook {
  private readonly open = new Map<string, Approval>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly onExpired: (a: Approval) => void, private readonly now: () => number = Date.now) {}

  /** A new approval request, or the open one for the same request ID (a double click asks once). */
  hold(op: HeldOperation, expiresInMs: number): { approval: Approval; existing: boolean } {
    const same = [...this.open.values()].find((a) => a.op.request.requestId === op.request.requestId && !a.decided);
    if (same) return { approval: same, existing: true };
    const approval: Approval = { id: `apr-${randomBytes(6).toString('hex')}`, op, expiresAt: this.now() + expiresInMs, message: null, decided: null };
    this.open.set(approval.id, approval);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (approval.decided) return;
      approval.decided = { kind: 'expired', by: null };
      this.onExpired(approval);
    }, expiresInMs);
    timer.unref();
    this.timers.add(timer);
    return { approval, existing: false };
  }

  get(id: string): Approval | undefined { return this.open.get(id); }

  /** Records the first decision; later clicks learn it was already decided, or expired. */
  decide(id: string, kind: 'approved' | 'denied', by: SlackUser): Decision {
    const approval = this.open.get(id);
    if (!approval) return { kind: 'unknown' };
    if (approval.decided?.kind === 'expired' || (!approval.decided && this.now() >= approval.expiresAt)) {
      approval.decided ??= { kind: 'expired', by: null };
      return { kind: 'expired', approval };
    }
    if (approval.decided) return { kind: 'already', approval };
    approval.decided = { kind, by };
    return { kind: 'decided', approval };
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/**
 * The one place Slack listeners ask "may this person do this here?". `require` answers a refusal
 * itself — politely, ephemeral, naming who can — and records it in the audit trail, so a listener
 * is `if (!(await ctx.access.require(...))) return;` and nothing else. Group membership is read
 * through UserGroups (cached briefly).
 */
import type { RipcordConfig, SlackAction } from '../../config/schema.js';
import { refusalMessage, type RefusalReason } from '../messages/access-messages.js';
import type { SlackMessage } from '../messages/blocks.js';
import type { AuditTrail } from './audit-trail.js';
import { approvalRefusal, approvalRequired, describePrincipals, groupsIn, permits, principalsFor, type SlackUser } from './permission-rules.js';
import type { UserGroups } from './user-groups.js';

export type Respond = (message: SlackMessage & { response_type: 'ephemeral'; replace_original?: boolean }) => Promise<unknown>;

export interface AccessRequest {
  action: SlackAction;
  environment: string;
  user: SlackUser;
  channel: string | null;
  target?: string;
  respond: Respond;
  /** Set when the user is deciding someone else's approval request. */
  approving?: { requester: SlackUser; approvalId: string };
}

export class Gatekeeper {
  constructor(private readonly config: Pick<RipcordConfig, 'environments'>, private readonly groups: UserGroups, readonly audit: AuditTrail) {}

  approvalRequired(environment: string, action: SlackAction): boolean {
    const env = this.config.environments[environment];
    return env ? approvalRequired(env, action) : false;
  }

  approvalMinutes(environment: string): number { return this.config.environments[environment]?.approval.expiresMinutes ?? 30; }

  /** Who may do `action` on `environment`, in words with Slack mentions. */
  whoMay(environment: string, action: SlackAction): string {
    return describePrincipals(this.principals(environment, action));
  }

  async permitted(environment: string, action: SlackAction, userId: string): Promise<boolean> {
    const principals = this.principals(environment, action);
    const memberships = new Map(await Promise.all(groupsIn(principals).map(async (g) => [g, await this.groups.members(g)] as const)));
    return permits(principals, userId, (g) => memberships.get(g)?.has(userId) ?? false);
  }

  /** True when the user may go on; otherwise the refusal is answered and audited, and false. */
  async require(req: AccessRequest): Promise<boolean> {
    const allowed = await this.permitted(req.environment, req.action, req.user.id);
    const reason: RefusalReason | null = req.approving
      ? refusalOfApproval(req.approving.requester.id, req.user.id, allowed)
      : allowed ? null : 'not_permitted';
    if (!reason) return true;
    await this.audit.record({
      event: 'denied', environment: req.environment, action: req.approving ? `approve ${req.action}` : req.action, user: req.user, channel: req.channel,
      ...(req.target ? { target: req.target } : {}), ...(req.approving ? { approvalId: req.approving.approvalId } : {}), detail: reason,
    });
    await req.respond({ response_type: 'ephemeral', replace_original: false, ...refusalMessage({ reason, action: req.action, environment: req.environment, allowed: this.whoMay(req.environment, req.action) }) });
    return false;
  }

  private principals(environment: string, action: SlackAction): readonly string[] {
    return this.config.environments[environment] ? principalsFor(this.config.environments[environment], action) : [];
  }
}

function refusalOfApproval(requesterId: string, approverId: string, allowed: boolean): RefusalReason | null {
  const r = approvalRefusal(requesterId, approverId, allowed);
  return r === 'not_permitted' ? 'not_permitted_to_approve' : r;
}

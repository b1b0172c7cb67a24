/**
 * Who may do what from Slack, pure: an environment's `permissions.<action>` lists Slack user IDs
 * (U…, W…) and user group IDs (S…); an empty list lets everyone in the workspace (what an action
 * newly checked allows in configs written before its list existed). Approvals:
 * `approval.required` with the actions it covers; the requester never approves their own.
 */
import type { EnvironmentConfig, SlackAction } from '../../config/schema.js';

export interface SlackUser { id: string; name: string }

export type Principals = readonly string[];

export const isGroup = (principal: string): boolean => principal.startsWith('S');

export function groupsIn(principals: Principals): string[] {
  return principals.filter(isGroup);
}

/** True when `userId` is listed, or is a member of a listed group, or nobody is listed. */
export function permits(principals: Principals, userId: string, memberOf: (group: string) => boolean): boolean {
  if (principals.length === 0) return true;
  return principals.some((p) => (isGroup(p) ? memberOf(p) : p === userId));
}

/**
 * Who is listed for `action`. A non-empty `incident` list also holds every contact the escalation
 * pages (contacts.levelN.slack): the person a ping asks to acknowledge is never refused the button.
 */
export function principalsFor(env: Pick<EnvironmentConfig, 'permissions' | 'contacts'>, action: SlackAction): Principals {
  const listed = env.permissions[action];
  if (action !== 'incident' || listed.length === 0) return listed;
  const { level1, level2, level3 } = env.contacts;
  return [...new Set([...listed, ...[level1, level2, level3].flatMap((level) => level?.slack ?? [])])];
}

export function approvalRequired(env: Pick<EnvironmentConfig, 'approval'>, action: SlackAction): boolean {
  return env.approval.required && (env.approval.actions as readonly SlackAction[]).includes(action);
}

/** "<@U1>, <@U2> or a member of <!subteam^S1>": Slack renders these as names without notifying anyone in an ephemeral. */
export function describePrincipals(principals: Principals): string {
  if (principals.length === 0) return 'anyone in the workspace';
  const people = principals.filter((p) => !isGroup(p)).map((p) => `<@${p}>`);
  const groups = groupsIn(principals).map((g) => `a member of <!subteam^${g}>`);
  const all = [...people, ...groups];
  return all.length === 1 ? all[0]! : `${all.slice(0, -1).join(', ')} or ${all.at(-1)!}`;
}

export type ApprovalRefusal = 'own_request' | 'not_permitted' | null;

/** Why `approver` may not approve (or deny) this request, or null when they may. */
export function approvalRefusal(requesterId: string, approverId: string, approverPermitted: boolean): ApprovalRefusal {
  if (approverId === requesterId) return 'own_request';
  return approverPermitted ? null : 'not_permitted';
}

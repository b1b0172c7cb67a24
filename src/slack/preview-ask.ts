/**
 * Which preview to make again, as the "Fresh preview" button carries it: a deploy of a ref, a
 * rollback choice, or a restore of a backup, in one environment. Pure; validated on the way back
 * in, because a button value comes from Slack.
 */
import { BadInputError } from '../domain/errors.js';
import type { ManualRollbackRequest } from '../domain/manual-rollback.js';

export type PreviewAsk =
  | { kind: 'deploy'; environment: string; ref: string }
  | { kind: 'rollback'; environment: string; choice: ManualRollbackRequest }
  | { kind: 'restore'; environment: string; backup: string };

export const encodePreviewAsk = (a: PreviewAsk): string => JSON.stringify(a);

export function decodePreviewAsk(value: string | undefined): PreviewAsk {
  try {
    const v = JSON.parse(value ?? '') as Partial<Record<string, unknown>>;
    if (typeof v.environment === 'string') {
      if (v.kind === 'deploy' && typeof v.ref === 'string') return { kind: 'deploy', environment: v.environment, ref: v.ref };
      if (v.kind === 'restore' && typeof v.backup === 'string') return { kind: 'restore', environment: v.environment, backup: v.backup };
      const c = v.choice as Partial<ManualRollbackRequest> | undefined;
      if (v.kind === 'rollback' && c && ['quick', 'commit', 'backup', 'full'].includes(String(c.kind))) return { kind: 'rollback', environment: v.environment, choice: c as ManualRollbackRequest };
    }
  } catch { /* below */ }
  throw new BadInputError('this button does not carry a preview Ripcord made', 'type the command again, e.g. `/rollback quick` or `/deploy REF`');
}

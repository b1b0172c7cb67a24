/**
 * The incident summary's severity buttons and the checklists' checkboxes: the first sets the
 * severity (for those `permissions.incident` lets in, audited — incident-acts.ts; the summary is
 * refreshed by the service), the second puts each newly ticked item on the incident timeline
 * (open to everyone in the incident's channel: a tick changes nothing but the timeline).
 */
import type { BlockAction, ButtonAction, CheckboxesAction } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson } from '../bot-context.js';
import { actOnIncident } from '../incident-acts.js';
import { parseSeverity } from '../../domain/incident.js';
import { CHECKLIST_ACTION, checklistItem, SEVERITY_ACTION } from '../../incidents/incident-message.js';
import type { Listeners } from '../listener-routes.js';

export function registerIncidentButtons(app: Listeners, ctx: BotContext): void {
  app.action<BlockAction<ButtonAction>>(new RegExp(`^${SEVERITY_ACTION}_P[1-4]$`), async ({ ack, body, action, respond }) => {
    await ack();
    try {
      const [id = '', level = ''] = (action.value ?? '').split('|');
      await actOnIncident(ctx, id, { kind: 'severity', severity: parseSeverity(level) }, { user: slackPerson(body.user), channel: body.channel?.id ?? null, refuse: respond });
    } catch (error) {
      ctx.log.info({ err: error }, 'severity button refused');
      await respond({ response_type: 'ephemeral', replace_original: false, ...problemOf(error) });
    }
  });
  app.action<BlockAction<CheckboxesAction>>(new RegExp(`^${CHECKLIST_ACTION}_(before|during|after)$`), async ({ ack, body, action }) => {
    await ack();
    const [, id = '', phase = ''] = action.block_id.split(':');
    for (const option of action.selected_options) {
      const item = checklistItem(phase, option.value ?? '');
      if (item) await ctx.incidents.tick(id, `checklist ${phase}: ✔ ${item}`, body.user.id).catch((error: unknown) => ctx.log.warn({ err: error }, 'checklist tick not recorded'));
    }
  });
}

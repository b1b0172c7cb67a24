/** `/incident open | list | ack | escalate | resolve | severity P1-4 | report`: one IncidentService call each, answered ephemerally. */
import type { App } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { problemOf } from '../bot-context.js';
import { incidentMeant, parseIncidentCommand, type IncidentRequest } from '../incident-request.js';
import { incidentDoneMessage, incidentListMessage, incidentReportReply } from '../messages/incident-reply.js';
import type { SlackMessage } from '../messages/blocks.js';
import { BadInputError } from '../../domain/errors.js';

async function idFor(ctx: BotContext, id: string | undefined, channel: string): Promise<string> {
  if (id) return id;
  const meant = incidentMeant(await ctx.incidents.list({ state: 'unresolved' }), channel);
  if (!meant) throw new BadInputError('no open incident here', 'name one: `/incident list` shows them with their IDs');
  return meant.id;
}

async function answer(ctx: BotContext, req: IncidentRequest, user: string, channel: string): Promise<SlackMessage> {
  const s = ctx.incidents;
  switch (req.kind) {
    case 'open': return incidentDoneMessage('Incident opened', await s.open(req.environment, req.summary, user));
    case 'list': return incidentListMessage(await s.list({ state: 'unresolved' }));
    case 'ack': return incidentDoneMessage('Acknowledged', await s.acknowledge(await idFor(ctx, req.id, channel), user));
    case 'escalate': return incidentDoneMessage('Escalated', await s.escalateNow(await idFor(ctx, req.id, channel), user));
    case 'resolve': return incidentDoneMessage('Resolved; the report is in the thread', await s.resolve(await idFor(ctx, req.id, channel), user));
    case 'severity': return incidentDoneMessage(`Severity ${req.severity}`, await s.setSeverity(await idFor(ctx, req.id, channel), req.severity, user));
    case 'report': return incidentReportReply((await s.report(await idFor(ctx, req.id, channel))).markdown);
  }
}

export function registerIncidentCommand(app: App, ctx: BotContext): void {
  app.command('/incident', async ({ command, ack, respond }) => {
    await ack();
    try {
      const req = parseIncidentCommand(command.text, ctx.useCases.environments());
      await respond({ response_type: 'ephemeral', ...(await answer(ctx, req, command.user_id, command.channel_id)) });
    } catch (error) {
      ctx.log.info({ err: error }, '/incident refused');
      await respond({ response_type: 'ephemeral', ...problemOf(error) });
    }
  });
}

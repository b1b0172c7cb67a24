/**
 * `/incident open | list | ack | escalate | resolve | severity P1-4 | report`: one use case each,
 * answered ephemerally. ack, escalate, resolve and severity go through incident-acts.ts (the
 * `incident` permission, the audit trail, the escalation timers), like the buttons; open, list and
 * report stay open to everyone — whoever sees an outage may open one.
 */
import type { BotContext } from '../bot-context.js';
import { problemOf, slackPerson } from '../bot-context.js';
import type { Respond } from '../access/gatekeeper.js';
import { actOnIncident, type IncidentAct, type IncidentActor } from '../incident-acts.js';
import type { Incident } from '../../domain/incident.js';
import { incidentMeant, parseIncidentCommand, type IncidentRequest } from '../incident-request.js';
import { incidentDoneMessage, incidentListMessage, incidentReportReply } from '../messages/incident-reply.js';
import type { SlackMessage } from '../messages/blocks.js';
import { BadInputError } from '../../domain/errors.js';
import type { Listeners } from '../listener-routes.js';

async function idFor(ctx: BotContext, id: string | undefined, channel: string): Promise<string> {
  if (id) return id;
  const meant = incidentMeant(await ctx.incidents.list({ state: 'unresolved' }), channel);
  if (!meant) throw new BadInputError('no open incident here', 'name one: `/incident list` shows them with their IDs');
  return meant.id;
}

type Asker = { person: IncidentActor['user']; channel: string; refuse: Respond };

/** The answer to give; null when the gate already answered (a refusal). */
async function answer(ctx: BotContext, req: IncidentRequest, a: Asker): Promise<SlackMessage | null> {
  const s = ctx.incidents;
  const act = async (kind: IncidentAct, done: (i: Incident) => SlackMessage, id: string | undefined) => {
    const incident = await actOnIncident(ctx, await idFor(ctx, id, a.channel), kind, { user: a.person, channel: a.channel, refuse: a.refuse });
    return incident ? done(incident) : null;
  };
  switch (req.kind) {
    case 'open': return incidentDoneMessage('Incident opened', await s.open(req.environment, req.summary, a.person.id));
    case 'list': return incidentListMessage(await s.list({ state: 'unresolved' }));
    case 'ack': return act({ kind: 'acknowledge' }, (i) => incidentDoneMessage('Acknowledged', i), req.id);
    case 'escalate': return act({ kind: 'escalate_now' }, (i) => incidentDoneMessage('Escalated', i), req.id);
    case 'resolve': return act({ kind: 'resolve' }, (i) => incidentDoneMessage('Resolved; the report is in the thread', i), req.id);
    case 'severity': return act({ kind: 'severity', severity: req.severity }, (i) => incidentDoneMessage(`Severity ${req.severity}`, i), req.id);
    case 'report': return incidentReportReply((await s.report(await idFor(ctx, req.id, a.channel))).markdown);
  }
}

export function registerIncidentCommand(app: Listeners, ctx: BotContext): void {
  app.command('/incident', async ({ command, ack, respond }) => {
    await ack();
    try {
      const req = parseIncidentCommand(command.text, ctx.useCases.environments());
      const person = slackPerson({ id: command.user_id, user_name: command.user_name });
      const said = await answer(ctx, req, { person, channel: command.channel_id, refuse: respond });
      if (said) await respond({ response_type: 'ephemeral', ...said });
    } catch (error) {
      ctx.log.info({ err: error }, '/incident refused');
      await respond({ response_type: 'ephemeral', ...problemOf(error) });
    }
  });
}

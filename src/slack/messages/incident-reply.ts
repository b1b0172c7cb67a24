/** The ephemeral answers of `/incident`: lists, a change done, the report. Pure Block Kit. */
import type { Incident } from '../../domain/incident.js';
import { section, type SlackMessage } from './blocks.js';
import { escapeText } from './mrkdwn.js';

const link = (i: Incident) => (i.slack ? ` · <https://slack.com/archives/${i.slack.channel}/p${i.slack.ts.replace('.', '')}|thread>` : ' · not in Slack');
const line = (i: Incident) => `*${i.severity}* \`${i.id}\` ${i.state} · ${escapeText(i.environment)} · level ${i.escalationLevel} · ${escapeText(i.summary)}${link(i)}`;

export function incidentListMessage(incidents: readonly Incident[]): SlackMessage {
  if (incidents.length === 0) return { text: 'No open incidents.', blocks: [section('No open incidents. `ripcord incidents list --all` on the host shows resolved ones.')] };
  const shown = incidents.slice(0, 20);
  return {
    text: `${incidents.length} open incident(s)`,
    blocks: [section(`*Open incidents* (${incidents.length})`), ...shown.map((i) => section(line(i)))],
  };
}

export function incidentDoneMessage(what: string, incident: Incident): SlackMessage {
  return { text: `${what}: ${incident.id}`, blocks: [section(`${what}\n${line(incident)}`)] };
}

/** The report's Markdown in a code block per chunk (tables read as written; nothing is interpreted as a mention). */
export function incidentReportReply(markdown: string): SlackMessage {
  const chunks: string[] = [];
  for (let rest = markdown; rest.length > 0; rest = rest.slice(2800)) chunks.push(rest.slice(0, 2800));
  return { text: 'Incident report', blocks: chunks.slice(0, 12).map((c) => section(`\`\`\`${c.replace(/```/g, "'''")}\`\`\``)) };
}

/**
 * What the CLI says on stderr after an operation (operations/perform-operation.ts): kept
 * notifications still waiting, a sink that did not take this one, records not written — each with
 * the command that finishes the job. The operation's outcome and exit code never depend on these.
 */
import { keptAfter } from '../notify/flush-outbox.js';
import type { SinkOutcome } from '../notify/fan-out-notifier.js';
import type { Aftermath } from '../operations/perform-operation.js';
import type { ServiceReport } from '../operations/service-report.js';

export function describeAftermath(after: Aftermath<ServiceReport>, env: string): string[] {
  const lines: string[] = [];
  const flush = `\`ripcord notify flush --env ${env}\``;
  if (after.flushed === null) lines.push(`note: the notifications outbox of ${env} could not be flushed; run ${flush}`);
  else if (keptAfter(after.flushed) > 0) lines.push(`note: ${keptAfter(after.flushed)} notification(s) of ${env} still kept in the outbox; they are sent when their sink answers, or run ${flush}`);
  for (const outcomes of after.delivered) {
    const failed = outcomes.filter((o): o is Extract<SinkOutcome, { ok: false }> => !o.ok);
    if (failed.length === 0) continue;
    const sinks = failed.map((o) => `${o.sink === 'log' ? 'the notifications log' : o.sink} (${o.error})`).join(', ');
    lines.push(`note: notification not delivered to ${sinks}${failed.some((o) => o.kept) ? `; kept, run ${flush} later` : ''}`);
  }
  if (after.recordsError) lines.push(`note: deployment records not written (${after.recordsError}); the journal keeps them and the next run writes them`);
  return lines;
}

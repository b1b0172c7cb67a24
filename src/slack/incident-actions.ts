/**
 * What the escalation buttons (Acknowledge, Escalate now, Resolve) do: the lifecycle change
 * through IncidentService (the same use case as `/incident` and `ripcord incidents`: store, thread
 * note, report), then the escalation timers the incident needs now — the re-escalation after an
 * acknowledgement, the next level at once after "Escalate now". The timers read the incident again
 * when they fire, so a change here cancels the timers it makes obsolete by itself.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RipcordConfig } from '../config/schema.js';
import { escalationPolicy } from '../domain/escalation-schedule.js';
import type { Incident } from '../domain/incident.js';
import { IncidentEscalations } from '../incidents/escalation-store.js';
import type { IncidentService } from '../incidents/incident-service.js';
import { EscalationTimers } from '../queue/escalation-timers.js';
import { durableConnection } from '../queue/redis-connections.js';

export type IncidentButton = 'acknowledge' | 'escalate_now' | 'resolve';

export class IncidentActions {
  private readonly timers: EscalationTimers;
  private readonly redis: Redis;

  constructor(private readonly config: RipcordConfig, private readonly incidents: IncidentService, private readonly log: Logger) {
    this.redis = durableConnection(config.redis.url);
    this.timers = new EscalationTimers({
      connection: this.redis, prefix: config.redis.prefix, incidents: new IncidentEscalations(incidents.store),
      policyOf: (env) => escalationPolicy(config.environments[env]!.contacts, config.service.escalationMinuteMs),
    });
  }

  async press(button: IncidentButton, incidentId: string, by: string): Promise<Incident> {
    const incident = button === 'acknowledge' ? await this.incidents.acknowledge(incidentId, by)
      : button === 'resolve' ? await this.incidents.resolve(incidentId, by)
        : await this.incidents.escalateNow(incidentId, by);
    // Not awaited: the connection waits out a Redis outage forever, and the person who clicked must
    // hear back now. The executor's sweep schedules the same timers within seconds anyway.
    void this.timers.sync(incidentId).catch((err: unknown) => this.log.warn({ err, incident: incidentId }, 'escalation timers not scheduled from the bot; the executor sweep will'));
    return incident;
  }

  reescalateAfterMinutes(environment: string): number {
    return this.config.environments[environment]?.contacts.reescalateAfterMinutes ?? 30;
  }

  async close(): Promise<void> {
    await this.timers.close();
    this.redis.disconnect();
  }
}

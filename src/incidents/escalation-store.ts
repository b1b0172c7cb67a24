/** The incident store as the escalation timers see it (src/queue/escalation-timers.ts). */
import { escalationFacts, sentSteps, withStepSent } from '../domain/incident-escalation.js';
import type { Incident } from '../domain/incident.js';
import type { EscalationStep } from '../domain/escalation-schedule.js';
import { IncidentNotFoundError, type IncidentStore } from './incident-store.js';

export interface EscalatingIncident {
  id: string;
  environment: string;
  facts: ReturnType<typeof escalationFacts>;
  sent: ReadonlySet<string>;
}

export function escalatingIncident(incident: Incident): EscalatingIncident {
  return { id: incident.id, environment: incident.environment, facts: escalationFacts(incident), sent: new Set(sentSteps(incident).keys()) };
}

export class IncidentEscalations {
  constructor(readonly store: IncidentStore) {}

  async load(id: string): Promise<EscalatingIncident | null> {
    try {
      return escalatingIncident(await this.store.get(id));
    } catch (error) {
      if (error instanceof IncidentNotFoundError) return null;
      throw error;
    }
  }

  async unresolved(environment: string): Promise<EscalatingIncident[]> {
    return (await this.store.list({ environment, state: 'unresolved' })).map(escalatingIncident);
  }

  /**
   * Decided and written under the incident's lock, before the ping goes out: an Acknowledge
   * that lands first cancels the step, and a crash right after costs that one ping, never a second one.
   */
  async markSent(id: string, due: (incident: EscalatingIncident) => EscalationStep | null, at: Date) {
    let step: EscalationStep | null = null;
    let recorded = false;
    try {
      const written = await this.store.update(id, (incident) => {
        step = due(escalatingIncident(incident));
        if (!step) return incident;
        const next = withStepSent(incident, step, at);
        recorded = next !== incident;
        return next;
      });
      return { incident: escalatingIncident(written), step, recorded };
    } catch (error) {
      if (error instanceof IncidentNotFoundError) return null;
      throw error;
    }
  }
}

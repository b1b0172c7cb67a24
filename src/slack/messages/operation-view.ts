/**
 * One operation's story folded from its events (src/operations/service-report.ts) into what its
 * Slack message shows: who asked, each stage with its state and duration, rollback steps, the
 * outcome and the reason. Pure: `foldEvent(view, event)` returns a new view, so the progress
 * publisher can render whatever the latest view is, whenever Slack lets it.
 */
import type { StepReport } from '../../domain/operation-report.js';
import type { OperationEvent, ServiceReport } from '../../operations/service-report.js';

export type StepState = 'running' | 'ok' | 'failed' | 'skipped';

export interface StepView {
  name: string; state: StepState; durationMs: number | null; reason?: string;
  /** The database step kept the database (and why): it must not show as a restore. */
  kept?: string;
}

export interface OperationView {
  operationId: string;
  environment: string;
  /** "deploy v1.1.0". */
  title: string;
  requestedBy: string;
  stages: StepView[];
  rollback: StepView[];
  notes: string[];
  /** Null while it runs. */
  outcome: ServiceReport['outcome'] | null;
  reason: string | null;
  report: ServiceReport | null;
}

export function initialView(operationId: string, environment: string, title: string, requestedBy: string): OperationView {
  return { operationId, environment, title, requestedBy, stages: [], rollback: [], notes: [], outcome: null, reason: null, report: null };
}

function stepViewOf(s: StepReport): StepView {
  return { name: s.name, state: s.outcome, durationMs: s.durationMs, ...(s.reason ? { reason: s.reason } : {}), ...(s.kept ? { kept: s.kept } : {}) };
}

function upsert(steps: readonly StepView[], step: StepView): StepView[] {
  const at = steps.findIndex((s) => s.name === step.name && s.state === 'running');
  if (at === -1) return [...steps, step];
  return steps.map((s, i) => (i === at ? step : s));
}

export function foldEvent(view: OperationView, event: OperationEvent): OperationView {
  switch (event.type) {
    case 'started':
      return { ...view, title: event.operation, requestedBy: `${event.requestedBy} via ${event.source}` };
    case 'step_started': {
      const key = event.phase === 'rollback' ? 'rollback' : 'stages';
      return { ...view, [key]: upsert(view[key], { name: event.name, state: 'running', durationMs: null }) };
    }
    case 'step_finished': {
      const key = event.phase === 'rollback' ? 'rollback' : 'stages';
      const s = event.step;
      return { ...view, [key]: upsert(view[key], stepViewOf(s)) };
    }
    case 'note':
      return { ...view, notes: [...view.notes, event.text].slice(-5) };
    case 'report':
      return withReport(view, event.report);
  }
}

/** The report is the truth: its stage list replaces what the events built (a redelivery may have skipped some). */
function withReport(view: OperationView, report: ServiceReport): OperationView {
  const rollback = 'rollback' in report && report.rollback ? report.rollback.map(stepViewOf) : view.rollback.filter((s) => s.state !== 'running');
  return {
    ...view,
    stages: report.stages.length ? report.stages.map(stepViewOf) : view.stages.filter((s) => s.state !== 'running'),
    rollback,
    outcome: report.outcome,
    reason: report.reason ?? null,
    report,
  };
}

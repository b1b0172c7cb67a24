/**
 * Prometheus metrics of the service (prom-client): operations by environment, kind and outcome;
 * stage and rollback durations as histograms; the last successful deploy and the newest verified
 * backup per environment; queue depth; notifications waiting in the outbox. Counters and
 * histograms are fed as operations run; the gauges that live elsewhere are read at scrape time.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { listBackups } from '../backups/index.js';
import type { RipcordConfig } from '../config/schema.js';
import { readEnvironmentJournals } from '../executor/release-journals.js';
import type { ProgressEvent } from '../executor/report.js';
import { Outbox } from '../notify/outbox.js';
import type { ServiceReport } from '../operations/service-report.js';
import type { OperationObserver } from '../queue/operation-worker.js';

const DURATION_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800];

export class ServiceMetrics implements OperationObserver {
  readonly registry = new Registry();
  private readonly operations: Counter;
  private readonly stageSeconds: Histogram;
  private readonly rollbackSeconds: Histogram;
  private readonly lastDeploy: Gauge;

  constructor(private readonly config: RipcordConfig, environments: readonly string[], queueDepth: (env: string) => Promise<number>) {
    const registers = [this.registry];
    this.operations = new Counter({ name: 'ripcord_operations_total', help: 'Operations finished by this executor, by environment, kind and outcome', labelNames: ['environment', 'kind', 'outcome'], registers });
    this.stageSeconds = new Histogram({ name: 'ripcord_stage_duration_seconds', help: 'Duration of deploy stages and rollback steps', labelNames: ['environment', 'phase', 'stage', 'outcome'], buckets: DURATION_BUCKETS, registers });
    this.rollbackSeconds = new Histogram({ name: 'ripcord_rollback_duration_seconds', help: 'Duration of whole rollbacks (automatic, manual, recovery)', labelNames: ['environment', 'outcome'], buckets: DURATION_BUCKETS, registers });
    this.lastDeploy = new Gauge({ name: 'ripcord_last_successful_deploy_timestamp_seconds', help: 'When the last deploy that succeeded finished', labelNames: ['environment'], registers });
    new Gauge({
      name: 'ripcord_newest_verified_backup_timestamp_seconds', help: 'Creation time of the newest verified backup', labelNames: ['environment'], registers,
      async collect() {
        for (const env of environments) {
          const envConfig = config.environments[env];
          const newest = envConfig ? (await listBackups(envConfig).catch(() => [])).filter((b) => b.check.state === 'verified').map((b) => Date.parse(b.createdAt)).sort((a, b) => b - a)[0] : undefined;
          if (newest !== undefined) this.set({ environment: env }, newest / 1000);
        }
      },
    });
    new Gauge({
      name: 'ripcord_queue_depth', help: 'Operations waiting or running in the environment queue', labelNames: ['environment'], registers,
      async collect() {
        for (const env of environments) this.set({ environment: env }, await queueDepth(env).catch(() => Number.NaN));
      },
    });
    new Gauge({
      name: 'ripcord_outbox_waiting', help: 'Notifications kept in the outbox, waiting for their sink', labelNames: ['environment'], registers,
      async collect() {
        for (const env of environments) this.set({ environment: env }, (await new Outbox(config.stateDir, env).list().catch(() => ({ entries: [] }))).entries.length);
      },
    });
    for (const env of environments) for (const outcome of ['succeeded', 'rolled_back', 'rollback_failed', 'failed', 'refused']) this.operations.inc({ environment: env, kind: 'deploy', outcome }, 0);
  }

  /** The last successful deploy as the journals tell it, so a restart does not forget it. */
  async loadHistory(environments: readonly string[]): Promise<void> {
    for (const env of environments) {
      const journals = await readEnvironmentJournals(this.config.stateDir, env).catch(() => []);
      const last = journals.filter((j) => j.header.kind === 'deploy' && j.state === 'succeeded').map((j) => Date.parse(j.lastAt)).sort((a, b) => b - a)[0];
      if (last !== undefined) this.lastDeploy.set({ environment: env }, last / 1000);
    }
  }

  progress(environment: string, event: ProgressEvent): void {
    if (event.type !== 'step_finished') return;
    this.stageSeconds.observe({ environment, phase: event.phase, stage: event.step.name, outcome: event.step.outcome }, event.step.durationMs / 1000);
  }

  finished(report: ServiceReport): void {
    this.operations.inc({ environment: report.environment, kind: report.kind, outcome: report.outcome });
    if (report.kind === 'deploy' && report.outcome === 'succeeded') this.lastDeploy.set({ environment: report.environment }, Date.parse(report.finishedAt) / 1000);
    const steps = 'rollback' in report ? report.rollback ?? [] : [];
    const first = steps[0];
    if (first) {
      const seconds = (Date.parse(report.finishedAt) - Date.parse(first.startedAt)) / 1000;
      this.rollbackSeconds.observe({ environment: report.environment, outcome: report.outcome }, Math.max(0, seconds));
    }
  }
}

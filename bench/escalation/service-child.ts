/**
 * bench/escalation's executor: the escalation service alone in its own process, as it runs in
 * production (Slack, SMTP and webhooks are other machines). It loads, says `ready`, starts the
 * service on `start`, stops it on `stop` and exits. The config comes as JSON in RIPCORD_BENCH_CONFIG.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pino } from 'pino';
import type { RipcordConfig } from '../../src/config/schema.js';
import { durableConnection } from '../../src/queue/redis-connections.js';
import { EscalationService } from '../../src/service/escalation-service.js';

// Already parsed by the bench (its defaults filled in): parsing again would check those defaults as if a person wrote them.
const config = JSON.parse(process.env.RIPCORD_BENCH_CONFIG ?? '{}') as RipcordConfig;
const connection = durableConnection(config.redis.url);
const log = pino({ level: process.env.RIPCORD_TEST_LOG ?? 'silent' });
let service: EscalationService | null = null;
const say = (what: string) => process.send?.(what);

// How busy this process was while it served: whether the timers waited for the event loop.
const delay = monitorEventLoopDelay({ resolution: 10 });
let elu0 = performance.eventLoopUtilization();
let cpu0 = process.cpuUsage();
let t0 = Date.now();

process.on('message', (what) => {
  void (async () => {
    if (what === 'start') {
      delay.enable();
      [elu0, cpu0, t0] = [performance.eventLoopUtilization(), process.cpuUsage(), Date.now()];
      service = await EscalationService.start({ config, environments: ['production'], connection, log });
      say('started');
    } else if (what === 'stop') {
      const cpu = process.cpuUsage(cpu0);
      const busy = {
        eventLoopUtilization: performance.eventLoopUtilization(elu0).utilization,
        cpuShare: (cpu.user + cpu.system) / 1000 / Math.max(1, Date.now() - t0),
        delayP50Ms: delay.percentile(50) / 1e6, delayP99Ms: delay.percentile(99) / 1e6, delayMaxMs: delay.max / 1e6,
      };
      process.send?.({ busy });
      await service?.stop();
      connection.disconnect();
      say('stopped');
      process.disconnect();
    }
  })();
});
say('ready');

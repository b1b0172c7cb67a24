/**
 * bench/escalation's executor: the escalation service alone in its own process, as it runs in
 * production (Slack, SMTP and webhooks are other machines). It loads, says `ready`, starts the
 * service on `start`, stops it on `stop` and exits. The config comes as JSON in RIPCORD_BENCH_CONFIG.
 */
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

process.on('message', (what) => {
  void (async () => {
    if (what === 'start') {
      service = await EscalationService.start({ config, environments: ['production'], connection, log });
      say('started');
    } else if (what === 'stop') {
      await service?.stop();
      connection.disconnect();
      say('stopped');
      process.disconnect();
    }
  })();
});
say('ready');

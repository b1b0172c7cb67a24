/**
 * The shape of ripcord.yml, after presets and environment overrides are merged in.
 * Every message says what to write instead, because people read these in `ripcord config check`.
 */
import { z } from 'zod';
import { deniedSchemaCommand } from '../domain/schema-command-policy.js';

const intAtLeast = (min: number, what: string, example: number) =>
  z.number({ error: `expected a whole number ≥ ${min} (${what}), e.g. ${example}` })
    .int({ error: `expected a whole number ≥ ${min} (${what}), e.g. ${example}` })
    .min(min, { error: `must be ≥ ${min} (${what}), e.g. ${example}` });

const nonEmpty = (what: string, example: string) =>
  z.string({ error: `expected text: ${what}, e.g. ${example}` }).min(1, { error: `must not be empty: ${what}, e.g. ${example}` });

const absolutePath = (what: string, example: string) =>
  nonEmpty(what, example).refine((p) => p.startsWith('/'), { error: `must be an absolute path (${what}), e.g. ${example}` });

const httpUrl = (what: string, example: string) =>
  nonEmpty(what, example).refine((u) => /^https?:\/\/[^\s]+$/.test(u), { error: `must be an http(s) URL (${what}), e.g. ${example}` });

const postgresUrl = nonEmpty('a PostgreSQL connection URL', 'postgres://app@127.0.0.1:5432/app')
  .refine((u) => /^postgres(ql)?:\/\/[^\s]+$/.test(u), { error: 'must start with postgres:// , e.g. postgres://app@127.0.0.1:5432/app' });

const cron = nonEmpty('a cron expression', '"0 2 * * *"')
  .refine((c) => c.trim().split(/\s+/).length === 5 || c.trim().split(/\s+/).length === 6, {
    error: 'must be a cron expression with 5 fields (minute hour day month weekday), e.g. "0 2 * * *"',
  });

/** A command run inside a compose service, the way the old scripts ran `docker-compose run web …`. */
export const serviceCommandSchema = z.strictObject({
  service: nonEmpty('the compose service to run it in', 'web'),
  command: nonEmpty('the command line run with `sh -c` inside the service', '"python manage.py migrate --noinput"'),
  timeoutSeconds: intAtLeast(1, 'how long the command may run', 600).default(600),
});

const optionalStage = serviceCommandSchema.nullable().default(null);

const healthSchema = z.strictObject({
  url: httpUrl('the health endpoint', 'http://127.0.0.1:8000/health/'),
  headers: z.record(z.string(), z.string({ error: 'header values must be text, e.g. "Bearer ${HEALTH_TOKEN}"' })).default({}),
  expectStatus: intAtLeast(100, 'the HTTP status a healthy app returns', 200).max(599, { error: 'must be an HTTP status (100–599), e.g. 200' }).default(200),
  retries: intAtLeast(1, 'attempts before the check fails; HEALTH_CHECK_RETRIES', 5).default(5),
  delaySeconds: z.number({ error: 'expected seconds between attempts (HEALTH_CHECK_DELAY), e.g. 10' })
    .min(0, { error: 'must be ≥ 0 seconds, e.g. 10' }).default(10),
  timeoutSeconds: intAtLeast(1, 'per-request timeout in seconds', 5).default(5),
});

const databaseSchema = z.strictObject({
  /** Connect directly (pg_dump on the host). */
  url: postgresUrl.optional(),
  /** Or dump/restore inside this compose service, as the old script did with `docker-compose exec -T db`. */
  service: nonEmpty('the compose service running PostgreSQL', 'db').optional(),
  name: nonEmpty('the application database name', 'app').default('app'),
  user: nonEmpty('the database user', 'postgres').default('postgres'),
  /**
   * Where Ripcord connects to create, drop and rename the app's database: never the app's own.
   * Default `postgres`, or `template1` when the app's database is `postgres`.
   */
  maintenanceDatabase: nonEmpty('a database Ripcord may connect to that is not the app\'s', 'template1').optional(),
  /**
   * What the migration tool records, so a rollback restores the database only when a migration
   * really changed it (docs/CONFIGURATION.md "When the database is restored").
   */
  migrations: z.strictObject({
    /** The migrations table; by default the first of the common tools' tables that exists. */
    table: nonEmpty('the migration tool\'s table', 'django_migrations').optional(),
    /** True when every migration runs in one transaction, so a failed one leaves nothing behind. */
    eachInTransaction: z.boolean({ error: 'expected true or false' }).default(false),
  }).prefault({}),
  /**
   * How a rollback puts the database back: restore the pre-deploy dump, or swap back a clone taken
   * before the migrations (faster rollbacks, a brief pause of new connections at every deploy).
   */
  rollbackStrategy: z.enum(['dump_restore', 'clone_swap'], { error: 'expected "dump_restore" (restore the pre-deploy dump) or "clone_swap" (swap back a clone taken before migrations)' }).default('dump_restore'),
}).refine((d) => d.url !== undefined || d.service !== undefined, {
  error: 'set database.url (postgres://user@host:port/db) or database.service (the compose service running PostgreSQL)',
}).refine((d) => d.maintenanceDatabase === undefined || d.maintenanceDatabase !== (d.url ? appDatabaseOfUrl(d.url) : d.name), {
  error: 'database.maintenanceDatabase must not be the app\'s own database (PostgreSQL cannot rename or restore the database a session is in): use template1 or postgres',
  path: ['maintenanceDatabase'],
});

function appDatabaseOfUrl(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

const backupsSchema = z.strictObject({
  enabled: z.boolean({ error: 'expected true or false' }).default(true),
  dir: absolutePath('where backups are kept; BACKUP_DIR', '/var/backups/ripcord/production'),
  // Directory format (parallel pg_dump) is not built yet; bench/backup will decide whether it pays.
  format: z.enum(['custom'], { error: 'expected "custom" (PostgreSQL\'s custom dump format; the directory format is not supported yet)' }).default('custom'),
  jobs: intAtLeast(1, 'parallel pg_dump/pg_restore jobs', 2).default(2),
  predeployRetentionDays: intAtLeast(1, 'days to keep pre-deploy backups; MAX_BACKUPS', 7).default(7),
  keep: z.strictObject({
    daily: intAtLeast(0, 'daily backups kept', 7).default(7),
    weekly: intAtLeast(0, 'weekly backups kept', 4).default(4),
    monthly: intAtLeast(0, 'monthly backups kept', 12).default(12),
  }).prefault({}),
  schedule: z.strictObject({
    timezone: nonEmpty('an IANA time zone', 'Europe/Berlin').default('UTC'),
    daily: cron.nullable().default('0 2 * * *'),
    weekly: cron.nullable().default('0 3 * * 0'),
    monthly: cron.nullable().default('0 4 1 * *'),
    /** Re-hashes every kept dump against its manifest, so one that changed on disk is found before it is needed. */
    verify: cron.nullable().default('0 5 * * *'),
  }).prefault({}),
});

const notificationsSchema = z.strictObject({
  logFile: nonEmpty('file every notification is appended to', 'logs/notifications.log').default('logs/notifications.log'),
  slackWebhookUrl: httpUrl('a Slack incoming webhook; SLACK_WEBHOOK_URL', 'https://hooks.slack.com/services/T000/B000/XXXX').nullable().default(null),
  webhookUrl: httpUrl('a webhook that receives every notification as JSON; WEBHOOK_URL', 'https://ops.example.com/hooks/ripcord').nullable().default(null),
  /** Signs every webhook body (HMAC-SHA256, docs/SECURITY.md "Webhook signatures"); WEBHOOK_SECRET. */
  webhookSecret: z.string({ error: 'expected text: a shared secret, e.g. ${WEBHOOK_SECRET}' }).min(16, { error: 'must be at least 16 characters: generate one with `openssl rand -hex 32`' }).nullable().default(null),
  email: z.strictObject({
    to: z.array(z.email({ error: 'expected an email address, e.g. ops@example.com' })).min(1, { error: 'list at least one address' }),
    from: z.email({ error: 'expected an email address, e.g. ripcord@example.com' }).default('ripcord@localhost'),
    smtpUrl: nonEmpty('an SMTP URL', 'smtp://127.0.0.1:25').refine((u) => /^smtps?:\/\//.test(u), { error: 'must start with smtp:// or smtps://, e.g. smtp://127.0.0.1:25' }).default('smtp://127.0.0.1:25'),
  }).nullable().default(null),
  /** Days a delivery that cannot be sent stays in the outbox before it is dropped (logged and written to logFile). */
  outboxKeepDays: intAtLeast(1, 'days an undelivered notification is kept and retried', 7).default(7),
});

/** One level of the escalation chain; `afterMinutes` defaults to the runbook's 0 / 15 / 30. */
const contactLevelSchema = (defaultAfterMinutes: number) => z.strictObject({
  /** Slack user IDs (U…, paged in the incident thread and by direct message) or user groups (S…, mentioned in the thread). */
  slack: z.array(nonEmpty('a Slack user ID or user group ID', 'U0123ABCD'))
    .refine((ids) => ids.every((id) => /^[UWS][A-Z0-9]{2,}$/.test(id)), { error: 'expected Slack user IDs (U0123ABCD) or user group IDs (S0123ABCD), not names: find them in the profile\'s "Copy member ID"' })
    .default([]),
  email: z.array(z.email({ error: 'expected an email address, e.g. lead@example.com' })).default([]),
  /** Webhooks paged with the signed JSON body (notifications.webhookSecret), e.g. a pager service. */
  webhooks: z.array(httpUrl('a webhook paged at this level', 'https://pager.example.com/hooks/ripcord')).default([]),
  /** Minutes after the incident opens (or escalates again) before this level is paged. */
  afterMinutes: z.number({ error: 'expected minutes, e.g. 15' }).min(0, { error: 'must be ≥ 0 minutes' }).default(defaultAfterMinutes),
  remindEveryMinutes: z.number({ error: 'expected minutes, e.g. 5' }).min(1, { error: 'must be ≥ 1 minute' }).default(5),
});

const rollbackSchema = z.strictObject({
  enabled: z.boolean({ error: 'expected true or false (ROLLBACK_ENABLED)' }).default(true),
  auto: z.boolean({ error: 'expected true or false (AUTO_ROLLBACK)' }).default(true),
  /** Level 2: a forward "reversal" migration; never a reset (src/domain/schema-command-policy.ts). */
  schemaCommand: optionalStage.superRefine((c, ctx) => {
    const why = c ? deniedSchemaCommand(c.command) : null;
    if (why) ctx.addIssue({ code: 'custom', path: ['command'], message: `is refused: ${why}, e.g. a forward reversal such as "python manage.py migrate shop 0041"` });
  }),
  /** Rollbacks may skip slow checks (shipit #1432); health and integrity always run. */
  healthRetries: intAtLeast(1, 'health attempts after a rollback', 5).nullable().default(null),
});

/**
 * The Slack actions permissions are given for: the three that change what runs, `backup`
 * (`/backups create|verify`, Home's "Back up now") and `incident` (Acknowledge, Escalate now,
 * Resolve and severity, by button or `/incident`).
 */
export const SLACK_ACTIONS = ['deploy', 'rollback', 'restore', 'backup', 'incident'] as const;
export type SlackAction = (typeof SLACK_ACTIONS)[number];
/** What `approval.actions` may list: a second person approves changes to what runs, never a backup or an incident response. */
export const APPROVABLE_ACTIONS = ['deploy', 'rollback', 'restore'] as const satisfies readonly SlackAction[];
const approvableAction = z.enum(APPROVABLE_ACTIONS, { error: 'expected deploy, rollback or restore' });
const slackPrincipals = z.array(
  z.string({ error: 'expected a Slack user ID or user group ID, e.g. U0123ABCD or S0123ABCD' })
    .regex(/^[UWS][A-Z0-9]{2,}$/, { error: 'must be a Slack user ID (U…, W…) or user group ID (S…) — not a @name, which can change; copy it from the profile\'s "Copy member ID", e.g. U0123ABCD' }),
).default([]);

export const environmentSchema = z.strictObject({
  preset: z.enum(['django', 'nextjs-prisma'], { error: 'expected a preset, django or nextjs-prisma (or leave preset out), e.g. django' }).optional(),
  appDir: absolutePath('the app checkout on this host; APP_DIR', '/srv/app'),
  composeFile: nonEmpty('the compose file, relative to appDir; COMPOSE_FILE', 'docker-compose.yml').default('docker-compose.yml'),
  composeProject: nonEmpty('the compose project name', 'myapp').optional(),
  composeCommand: z.enum(['auto', 'docker compose', 'docker-compose'], { error: 'expected "auto", "docker compose" or "docker-compose"' }).default('auto'),
  remote: nonEmpty('the git remote to fetch releases from', 'origin').default('origin'),
  logDir: absolutePath('where update.log and rollback.log go', '/srv/app/logs').optional(),
  database: databaseSchema,
  backups: backupsSchema,
  stages: z.strictObject({
    build: z.boolean({ error: 'expected true or false' }).default(true),
    migrate: optionalStage,
    static: optionalStage,
    integrity: optionalStage,
  }).prefault({}),
  health: healthSchema,
  logs: z.strictObject({
    criticalPatterns: z.array(nonEmpty('a regular expression', '"CRITICAL"')).default(['CRITICAL']),
    services: z.array(z.string()).nullable().default(null),
  }).prefault({}),
  rollback: rollbackSchema.prefault({}),
  notifications: notificationsSchema.prefault({}),
  slack: z.strictObject({
    channel: nonEmpty('the channel for deploy progress', '"#deploys"').default('#deploys'),
    incidents: z.enum(['thread', 'channel'], { error: 'expected "thread" or "channel"' }).default('thread'),
    /** Where incident threads go (and where an incident falls back to when its channel cannot be made); default: channel. */
    incidentsChannel: nonEmpty('the channel for incident threads', '"#incidents"').nullable().default(null),
  }).prefault({}),
  contacts: z.strictObject({
    level1: contactLevelSchema(0).optional(),
    level2: contactLevelSchema(15).optional(),
    level3: contactLevelSchema(30).optional(),
    /** After an acknowledgement, an incident still unresolved this long escalates again from Level 1. */
    reescalateAfterMinutes: z.number({ error: 'expected minutes, e.g. 30' }).min(1, { error: 'must be ≥ 1 minute, e.g. 30' }).default(30),
  }).prefault({}),
  /**
   * Who may act from Slack, per action: Slack user IDs (U…/W…) or user group IDs (S…); empty (the
   * default, as before these were checked) means everyone in the workspace. `incident` also lets in
   * the contacts the escalation pages.
   */
  permissions: z.strictObject({
    deploy: slackPrincipals,
    rollback: slackPrincipals,
    restore: slackPrincipals,
    backup: slackPrincipals,
    incident: slackPrincipals,
  }).prefault({}),
  /** A second authorised person approves these actions in the deploy channel before anything runs. */
  approval: z.strictObject({
    required: z.boolean({ error: 'expected true or false' }).default(false),
    actions: z.array(approvableAction).min(1, { error: 'list at least one action, e.g. [deploy, rollback, restore]' }).default(['deploy', 'rollback', 'restore']),
    expiresMinutes: intAtLeast(1, 'minutes an approval request stays open', 30).max(24 * 60, { error: 'must be ≤ 1440 minutes (a day), e.g. 30' }).default(30),
  }).prefault({}),
});

export const ripcordConfigSchema = z.strictObject({
  version: z.literal(1, { error: 'expected version: 1' }).default(1),
  /** Journal and lock files live here; it must be on the executor's local disk. */
  stateDir: absolutePath('journal and lock directory', '/var/lib/ripcord').default('/var/lib/ripcord'),
  redis: z.strictObject({
    url: nonEmpty('a Redis URL', 'redis://127.0.0.1:6379').refine((u) => /^rediss?:\/\//.test(u), { error: 'must start with redis://, e.g. redis://127.0.0.1:6379' }).default('redis://127.0.0.1:6379'),
    prefix: nonEmpty('the BullMQ key prefix', 'ripcord').default('ripcord'),
  }).prefault({}),
  /** `ripcord start` / `ripcord executor`: live progress retention, outbox flushing, /healthz and /metrics. */
  service: z.strictObject({
    /** host:port for /healthz and /metrics; loopback by default (Prometheus scrapes it locally or through a proxy). */
    listen: nonEmpty('host:port for /healthz and /metrics', '127.0.0.1:9464')
      .refine((l) => /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(l), { error: 'must be host:port, e.g. 127.0.0.1:9464' }).default('127.0.0.1:9464'),
    /** How long the progress events of an operation stay readable in Redis (`ripcord watch`, a restarted bot). */
    eventRetentionHours: z.number({ error: 'expected hours, e.g. 168' }).positive({ error: 'must be > 0 hours, e.g. 168' }).default(168),
    outboxFlushSeconds: intAtLeast(1, 'seconds between outbox flushes', 60).default(60),
    /** A job whose executor stops renewing its lock this long is handed to the next executor (after recovery). */
    jobLockSeconds: intAtLeast(1, 'seconds before a dead executor\'s job is redelivered', 30).default(30),
    /** How long a queued operation waits for an environment lock held by someone else (a CLI rollback). */
    lockWaitMinutes: z.number({ error: 'expected minutes, e.g. 60' }).min(0, { error: 'must be ≥ 0 minutes' }).default(60),
    /** How long one minute of `contacts` lasts, in ms: 60000; shorter for an escalation drill. */
    escalationMinuteMs: intAtLeast(1, 'milliseconds in one escalation minute', 60000).default(60000),
  }).prefault({}),
  store: z.strictObject({
    databaseUrl: postgresUrl.nullable().default(null),
  }).prefault({}),
  slack: z.strictObject({
    botToken: z.string().optional(),
    appToken: z.string().optional(),
    signingSecret: z.string().optional(),
    socketMode: z.boolean({ error: 'expected true or false' }).default(true),
    /** Slack's Web API base; Socket Mode finds its WebSocket through it too. Tests point it at the local emulator. */
    apiUrl: httpUrl('the Slack Web API base URL', 'https://slack.com/api/').default('https://slack.com/api/'),
    /** HTTP mode (socketMode: false): host:port Slack's signed requests arrive on (POST /slack/events); loopback by default, behind a TLS proxy. */
    listen: nonEmpty('host:port for Slack\'s signed HTTP requests', '127.0.0.1:3000')
      .refine((l) => /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(l), { error: 'must be host:port, e.g. 127.0.0.1:3000' }).default('127.0.0.1:3000'),
  }).prefault({}),
  logging: z.strictObject({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal'], { error: 'expected trace, debug, info, warn, error or fatal' }).default('info'),
    file: absolutePath('a JSON log file', '/var/log/ripcord/ripcord.log').nullable().default(null),
  }).prefault({}),
  environments: z.record(
    z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, { error: 'environment names are lowercase letters, digits, - or _, e.g. production' }),
    environmentSchema,
  ).refine((envs) => Object.keys(envs).length > 0, { error: 'define at least one environment, e.g. environments: { production: { appDir: /srv/app, … } }' }),
});

export type RipcordConfig = z.output<typeof ripcordConfigSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type ServiceCommand = z.output<typeof serviceCommandSchema>;
export type HealthConfig = EnvironmentConfig['health'];
export type BackupsConfig = EnvironmentConfig['backups'];
export type DatabaseConfig = EnvironmentConfig['database'];
export type NotificationsConfig = EnvironmentConfig['notifications'];
export type ServiceConfig = RipcordConfig['service'];

/**
 * The commented ripcord.yml `ripcord init` writes: every value says where it came from, and the
 * old scripts' variables keep their names in comments. Secrets are referenced as ${NAME}, never
 * copied in.
 */
import { join } from 'node:path';
import { presets } from '../config/presets.js';
import type { AppFacts } from './detect-app.js';
import { SECRET_SEED_VARIABLES } from './detect-app.js';
import type { InitAnswers } from './init-answers.js';

/** A YAML scalar: plain when that cannot be misread, double-quoted otherwise. */
const q = (v: string | number | boolean): string => (typeof v !== 'string' || /^[A-Za-z0-9_./@+-][A-Za-z0-9_./:@+-]*$/.test(v) ? String(v) : JSON.stringify(v));

export function configText(a: InitAnswers, facts: AppFacts): string {
  const lines = [
    `# ripcord.yml written by \`ripcord init ${facts.appDir}\` on ${new Date().toISOString().slice(0, 10)}.`,
    '# Check it: ripcord config check --config THIS_FILE; then: ripcord doctor. Keys: docs/CONFIGURATION.md.',
    ...(facts.envFile ? [`# Secrets stay in ${facts.envFile}: run Ripcord with --env-file ${facts.envFile} (or set RIPCORD_ENV_FILE).`] : []),
    'version: 1',
    '# Journals and locks: on this host\'s local disk.',
    `stateDir: ${q(a.stateDir)}`,
    'environments:',
    `  ${a.envName}:`,
    ...(a.preset ? [`    preset: ${a.preset}    # ${facts.presetReason ?? 'chosen with --preset'}: ${presetSummary(a.preset)}`] : []),
    `    appDir: ${q(a.appDir)}    # APP_DIR`,
    `    composeFile: ${q(a.composeFile)}    # COMPOSE_FILE${facts.composeFile === a.composeFile ? ' (found)' : ''}`,
    ...databaseLines(a),
    '    backups:',
    `      dir: ${q(a.backupsDir)}    # BACKUP_DIR${backupsNote(facts, a)}`,
    ...seedLine(facts, 'MAX_BACKUPS', '      predeployRetentionDays'),
    ...stageLines(a),
    '    health:',
    `      url: ${q(a.healthUrl)}`,
    ...seedLine(facts, 'HEALTH_CHECK_RETRIES', '      retries'),
    ...seedLine(facts, 'HEALTH_CHECK_DELAY', '      delaySeconds'),
    ...healthHeaderLines(a, facts),
    ...rollbackLines(facts),
    ...notificationLines(facts),
  ];
  return `${lines.join('\n')}\n`;
}

/** The token's variable, never its value: Ripcord reads it from its environment or --env-file at run time. */
function healthHeaderLines(a: InitAnswers, facts: AppFacts): string[] {
  const found = `      # ${a.healthToken.finding}`;
  const variable = a.healthToken.variable;
  if (!variable) return a.preset === 'nextjs-prisma' ? [found, '      # The runbook\'s check sends a token: headers: { Authorization: "Bearer ${CRON_SECRET}" }'] : [];
  const file = facts.healthToken?.variable === variable ? facts.healthToken.file : null;
  return [found, `      headers: { Authorization: ${JSON.stringify(`Bearer \${${variable}}`)} }    # run Ripcord with ${variable} set${file ? ` (--env-file ${join(facts.appDir, file)})` : ''}`];
}

function presetSummary(preset: keyof typeof presets): string {
  return preset === 'django' ? 'migrate, collectstatic, check --deploy in the web service' : 'prisma migrate deploy, prisma migrate status in the web service';
}

function databaseLines(a: InitAnswers): string[] {
  if ('url' in a.database) return ['    database:', `      url: ${q(a.database.url)}`];
  return [
    `    # PostgreSQL runs in the compose service "${a.database.service}": pg_dump and pg_restore run inside it.`,
    '    database:',
    `      service: ${q(a.database.service)}`,
    `      name: ${q(a.database.name)}`,
    `      user: ${q(a.database.user)}`,
  ];
}

function backupsNote(facts: AppFacts, a: InitAnswers): string {
  if (facts.backups?.dir !== a.backupsDir) return '; created by the first backup, mode 0700';
  const n = facts.backups.oldDumps;
  return n > 0 ? ` (found, with ${n} old backup_*.sql.gz dump${n === 1 ? '' : 's'}: \`ripcord backups list\` shows them)` : ' (found)';
}

/** The preset's stages run in `web`; an app whose web service has another name gets them spelled out. */
function stageLines(a: InitAnswers): string[] {
  if (!a.webService) return a.preset ? [] : ['    stages:', '      build: true', '      # migrate: { service: web, command: "./migrate.sh" }    # add the app\'s own migration command'];
  const stages = a.preset ? (presets[a.preset].stages as Record<string, { command: string } | null | boolean>) : {};
  const lines = ['    stages:', `      # Commands run in the "${a.webService}" service.`];
  for (const name of ['migrate', 'static', 'integrity']) {
    const s = stages[name];
    if (s && typeof s === 'object') lines.push(`      ${name}: { service: ${q(a.webService)}, command: ${q(s.command)} }`);
  }
  return lines.length > 2 ? lines : [];
}

const BOOLEAN_SEEDS = new Set(['ROLLBACK_ENABLED', 'AUTO_ROLLBACK']);

function seedLine(facts: AppFacts, name: string, key: string): string[] {
  const raw = facts.seedVars[name]?.trim();
  if (raw === undefined) return [];
  // The old scripts took yes/no, on/off and 1/0 too; YAML needs true/false.
  const value = !BOOLEAN_SEEDS.has(name) ? raw : /^(yes|on|1|true)$/i.test(raw) ? 'true' : /^(no|off|0|false)$/i.test(raw) ? 'false' : raw;
  return [`${key}: ${q(value)}    # ${name} from ${facts.envFile}`];
}

function rollbackLines(facts: AppFacts): string[] {
  const lines = [...seedLine(facts, 'ROLLBACK_ENABLED', '      enabled'), ...seedLine(facts, 'AUTO_ROLLBACK', '      auto')];
  return lines.length > 0 ? ['    rollback:', ...lines] : [];
}

function notificationLines(facts: AppFacts): string[] {
  const lines: string[] = [];
  for (const [name, key] of [['SLACK_WEBHOOK_URL', 'slackWebhookUrl'], ['WEBHOOK_URL', 'webhookUrl']] as const) {
    if (facts.seedVars[name] !== undefined && SECRET_SEED_VARIABLES.has(name)) lines.push(`      ${key}: \${${name}:-}    # ${name}, read from the environment or --env-file`);
  }
  const email = facts.seedVars.NOTIFICATION_EMAIL;
  if (email) lines.push(`      email: { to: [${email.split(/[\s,]+/).filter(Boolean).map(q).join(', ')}] }    # NOTIFICATION_EMAIL from ${facts.envFile}`);
  return lines.length > 0 ? ['    notifications:', ...lines] : [];
}

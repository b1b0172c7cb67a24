import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { runCli } from '../../src/cli/program.js';
import { ConfigError } from '../../src/domain/errors.js';
import type { CliContext } from '../../src/cli/context.js';

const dir = mkdtempSync(join(tmpdir(), 'ripcord-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => i.path);
    throw error;
  }
  assert.fail('expected a ConfigError');
}

const minimal = `
environments:
  production:
    preset: django
    appDir: /srv/app
`;

describe('loadConfig', () => {
  test('the shipped examples are valid', () => {
    const env = { HEALTH_TOKEN: 't0ken' };
    for (const example of ['deploy/ripcord.django.yml', 'deploy/ripcord.nextjs-prisma.yml']) {
      const { config } = loadConfig({ configPath: example, env });
      assert.ok(config.environments.production, example);
    }
  });

  test('the django preset fills stage commands, health and database service', () => {
    const { config } = loadConfig({ configPath: file('min.yml', minimal), env: {} });
    const env = config.environments.production!;
    assert.equal(env.stages.migrate?.command, 'python manage.py migrate --noinput');
    assert.equal(env.stages.static?.command, 'python manage.py collectstatic --noinput');
    assert.equal(env.health.url, 'http://127.0.0.1:8000/health/');
    assert.equal(env.database.service, 'db');
    assert.equal(env.backups.dir, '/srv/app/backups');
    assert.equal(env.logDir, '/srv/app/logs');
    assert.deepEqual(env.backups.keep, { daily: 7, weekly: 4, monthly: 12 });
  });

  test('the nextjs-prisma preset has no static stage and checks /api/health', () => {
    const path = file('next.yml', minimal.replace('django', 'nextjs-prisma'));
    const env = loadConfig({ configPath: path, env: {} }).config.environments.production!;
    assert.equal(env.stages.static, null);
    assert.equal(env.health.url, 'http://127.0.0.1:3000/api/health');
    assert.equal(env.stages.migrate?.command, 'npx prisma migrate deploy');
  });

  test('the old scripts\' variables override the file with the same meaning', () => {
    const env = loadConfig({
      configPath: file('seed.yml', minimal),
      env: {
        ROLLBACK_ENABLED: 'false', AUTO_ROLLBACK: 'no', HEALTH_CHECK_RETRIES: '9', HEALTH_CHECK_DELAY: '2.5',
        MAX_BACKUPS: '3', APP_DIR: '/opt/other', BACKUP_DIR: '/var/bk', COMPOSE_FILE: 'prod.yml',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T1/B2/c3', WEBHOOK_URL: 'http://127.0.0.1:9/h',
        NOTIFICATION_EMAIL: 'ops@example.com, dev@example.com',
      },
    }).config.environments.production!;
    assert.equal(env.rollback.enabled, false);
    assert.equal(env.rollback.auto, false);
    assert.equal(env.health.retries, 9);
    assert.equal(env.health.delaySeconds, 2.5);
    assert.equal(env.backups.predeployRetentionDays, 3);
    assert.equal(env.appDir, '/opt/other');
    assert.equal(env.backups.dir, '/var/bk');
    assert.equal(env.composeFile, 'prod.yml');
    assert.equal(env.notifications.slackWebhookUrl, 'https://hooks.slack.com/services/T1/B2/c3');
    assert.equal(env.notifications.webhookUrl, 'http://127.0.0.1:9/h');
    assert.deepEqual(env.notifications.email?.to, ['ops@example.com', 'dev@example.com']);
  });

  test('malformed seed variables are reported by name', () => {
    const paths = issuesOf(() => loadConfig({ configPath: file('seed2.yml', minimal), env: { HEALTH_CHECK_RETRIES: 'lots', AUTO_ROLLBACK: 'maybe' } }));
    assert.deepEqual(paths.sort(), ['$AUTO_ROLLBACK', '$HEALTH_CHECK_RETRIES']);
  });

  test('host-specific variables are refused when there are several environments', () => {
    const two = `${minimal}  staging:\n    preset: django\n    appDir: /srv/staging\n`;
    assert.deepEqual(issuesOf(() => loadConfig({ configPath: file('two.yml', two), env: { APP_DIR: '/x' } })), ['$APP_DIR']);
  });

  test('with no ripcord.yml, APP_DIR alone makes a production environment (old-script hosts)', () => {
    const { config, source } = loadConfig({ cwd: dir, env: { APP_DIR: '/srv/legacy', HEALTH_CHECK_RETRIES: '3' } });
    assert.equal(source, null);
    assert.equal(config.environments.production?.appDir, '/srv/legacy');
    assert.equal(config.environments.production?.health.retries, 3);
  });

  test('an env file is read, and the process environment wins over it', () => {
    const envFile = file('.env.production', 'HEALTH_CHECK_RETRIES=4\nHEALTH_CHECK_DELAY=1\nSLACK_BOT_TOKEN=xoxb-1-2\n');
    const { config } = loadConfig({ configPath: file('ef.yml', minimal), envFile, env: { HEALTH_CHECK_DELAY: '7' } });
    assert.equal(config.environments.production?.health.retries, 4);
    assert.equal(config.environments.production?.health.delaySeconds, 7);
    assert.equal(config.slack.botToken, 'xoxb-1-2');
  });

  test('${VAR} without a value or default is an error naming the variable', () => {
    const text = minimal + '    health:\n      url: http://127.0.0.1:1/h\n      headers: { Authorization: "Bearer ${HEALTH_TOKEN}" }\n';
    const paths = issuesOf(() => loadConfig({ configPath: file('var.yml', text), env: {} }));
    assert.deepEqual(paths, ['environments.production.health.headers.Authorization']);
  });

  test('YAML syntax errors name the line', () => {
    const paths = issuesOf(() => loadConfig({ configPath: file('broken.yml', 'environments:\n  production: [\n'), env: {} }));
    assert.match(paths[0] ?? '', /^line \d+, column \d+$/);
  });
});

describe('ripcord config check', () => {
  function context(): CliContext & { lines: string[] } {
    const lines: string[] = [];
    return { exitCode: 0, out: (l) => lines.push(l), err: (l) => lines.push(l), env: {}, cwd: dir, lines };
  }

  test('prints all five mistakes at once, each with its path and a fix, and exits 2', async () => {
    const path = file('five.yml', `
environments:
  production:
    appDir: srv/app
    database: { url: mysql://x }
    health:
      url: http://127.0.0.1:8000/health/
      retries: five
      expectStatus: 700
    backups:
      dir: /srv/app/backups
      format: zip
`);
    const ctx = context();
    const code = await runCli(['node', 'ripcord', '--config', path, 'config', 'check'], ctx);
    assert.equal(code, 2);
    const problems = ctx.lines.filter((l) => l.includes('✗'));
    const expected = ['appDir', 'database.url', 'health.retries', 'health.expectStatus', 'backups.format'];
    assert.equal(problems.length, 5, ctx.lines.join('\n'));
    for (const key of expected) {
      const line = problems.find((l) => l.includes(`environments.production.${key}:`));
      assert.ok(line, `no line for ${key} in:\n${problems.join('\n')}`);
      assert.match(line, / — \S/, `no fix given for ${key}`);
    }
  });

  test('a valid file exits 0 and names its environments', async () => {
    const ctx = context();
    const code = await runCli(['node', 'ripcord', '--config', file('ok.yml', minimal), 'config', 'check'], ctx);
    assert.equal(code, 0);
    assert.match(ctx.lines.join('\n'), /1 environment\(s\): production/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { environmentSchema, type EnvironmentConfig } from '../../src/config/schema.js';
import { buildDeployPlan, withPreview, type PlanEnvironment } from '../../src/domain/plan.js';
import { servicesWithBuild } from '../../src/executor/deploy-preview.js';
import { formatPlan } from '../../src/domain/plan-format.js';

// Compile-time: the real configuration type satisfies what the pure plan builder asks for.
const _fits: (env: EnvironmentConfig) => PlanEnvironment = (env) => env;

const command = (c: string) => ({ service: 'web', command: c });

function env(overrides: Record<string, unknown> = {}): EnvironmentConfig {
  return environmentSchema.parse({
    appDir: '/srv/app',
    database: { service: 'db' },
    backups: { dir: '/var/backups/app' },
    health: { url: 'http://127.0.0.1:8000/health/' },
    stages: { migrate: command('python manage.py migrate --noinput'), static: command('python manage.py collectstatic --noinput'), integrity: command('python manage.py check --deploy') },
    ...overrides,
  });
}

const target = { ref: 'v1.0.4', sha: 'a'.repeat(40) };
const current = { sha: 'b'.repeat(40) };
const names = (e: EnvironmentConfig) => buildDeployPlan(e, target, current).stages.map((s) => s.name);

describe('buildDeployPlan', () => {
  test('a full environment runs every stage in order; the pre-deploy snapshot comes after the build, right before the migrations', () => {
    assert.deepEqual(names(env()), ['preflight', 'fetch', 'build', 'backup', 'migrate', 'static', 'up', 'health', 'integrity', 'logs']);
  });

  test('disabled stages are skipped with the reason', () => {
    const e = env({ backups: { dir: '/b', enabled: false }, stages: { build: false, migrate: null, static: null, integrity: null }, logs: { criticalPatterns: [] } });
    const plan = buildDeployPlan(e, target, current);
    // integrity still checks the database is reachable, so it stays without a command.
    assert.deepEqual(plan.stages.map((s) => s.name), ['preflight', 'fetch', 'up', 'health', 'integrity']);
    assert.deepEqual(plan.skipped.map((s) => s.stage), ['build', 'backup', 'migrate', 'static', 'logs']);
    assert.match(plan.skipped[1]!.why, /backups\.enabled is false/);
    assert.equal(plan.stages.find((s) => s.name === 'integrity')!.command, undefined);
  });

  test('stages declare their undo and whether they may change the database', () => {
    const plan = buildDeployPlan(env(), target, current);
    const byName = Object.fromEntries(plan.stages.map((s) => [s.name, s]));
    assert.deepEqual(byName.fetch!.undo, ['git_reset']);
    assert.deepEqual(byName.build!.undo, ['start_previous_images']);
    assert.ok(byName.migrate!.mayChangeDatabase);
    assert.ok(byName.up!.mayChangeDatabase);
    assert.ok(!byName.build!.mayChangeDatabase);
    assert.ok(!byName.health!.mayChangeDatabase);
    assert.deepEqual(byName.migrate!.command, { service: 'web', command: 'python manage.py migrate --noinput', timeoutSeconds: 600 });
  });

  test('the plan is plain data', () => {
    const plan = buildDeployPlan(env(), target, current);
    assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
  });
});

describe('formatPlan (deploy)', () => {
  test('prints current → target, every stage, skipped stages and the preview', () => {
    const e = env({ stages: { static: null, migrate: command('python manage.py migrate --noinput') } });
    const plan = withPreview(buildDeployPlan(e, target, current), {
      commits: [{ sha: 'c'.repeat(40), subject: 'Add invoices', author: 'Alice', date: '2026-11-01T10:00:00+01:00' }],
      migrations: { known: false, why: '`python manage.py migrate --noinput` in web decides', files: [{ path: 'billing/migrations/0007_invoice.py', change: 'added' }] },
      imagesToBuild: { services: [{ service: 'web', context: './web' }] },
    });
    const text = formatPlan(plan).join('\n');
    assert.match(text, /^Deploy v1\.0\.4: bbbbbbb → aaaaaaa/);
    assert.match(text, /migrate +`python manage\.py migrate --noinput` in web .*undo: stop services, restore database, previous images.*may change the database/);
    assert.match(text, /Skipped: static \(stages\.static is not set\)/);
    assert.match(text, /ccccccc Add invoices \(Alice\)/);
    assert.match(text, /Pending migrations: not known before the deploy: `python manage\.py migrate --noinput` in web decides\nMigration files this release adds or changes \(1\):\n +added +billing\/migrations\/0007_invoice\.py/);
    assert.match(text, /Images to build \(1\):\n {2}web \(build context \.\/web\)/);
  });

  test('a preview that cannot know says so, and one with nothing to do says why', () => {
    const plan = (preview: Parameters<typeof withPreview>[1]) => formatPlan(withPreview(buildDeployPlan(env(), target, current), preview)).join('\n');
    const none = plan({ commits: [], migrations: { known: true, why: 'none (stages.migrate is not set)', files: [] }, imagesToBuild: { services: [], why: 'none (stages.build is false)' } });
    assert.match(none, /Pending migrations: none \(stages\.migrate is not set\)/);
    assert.match(none, /Images to build \(0\): none \(stages\.build is false\)/);
    const unknown = plan({ commits: [], migrations: { known: true, why: 'none', files: [] }, imagesToBuild: { services: null, why: 'docker-compose.yml does not exist in aaaa' } });
    assert.match(unknown, /Images to build: not known: docker-compose\.yml does not exist in aaaa/);
  });

  test('a first deploy has no current SHA', () => {
    assert.match(formatPlan(buildDeployPlan(env(), target, { sha: null }))[0]!, /\(none\) → aaaaaaa/);
  });
});

describe('servicesWithBuild (deploy --dry-run: images to build)', () => {
  test('only services with a build section, with their context, in file order', () => {
    const yaml = 'services:\n  db:\n    image: postgres:15\n  web:\n    build: ./web\n  worker:\n    build:\n      context: ./worker\n      dockerfile: Dockerfile.worker\n  tasks:\n    image: app_web\n';
    assert.deepEqual(servicesWithBuild(yaml), [{ service: 'web', context: './web' }, { service: 'worker', context: './worker' }]);
  });
  test('no services, or none that build: nothing', () => {
    assert.deepEqual(servicesWithBuild('version: "2.4"\n'), []);
    assert.deepEqual(servicesWithBuild('services:\n  db:\n    image: x\n'), []);
  });
  test('not YAML: an error naming the file', () => {
    assert.throws(() => servicesWithBuild('services: [\n', 'docker-compose.yml'), /docker-compose\.yml is not valid YAML/);
  });
});

/**
 * The package a user installs, as docs/INSTALL.md installs it: `npm pack` of a copy of this
 * checkout (its prepack builds dist/), `npm install -g` of the tarball into a temporary prefix,
 * then the INSTALLED `ripcord`, found on PATH, run from an unrelated directory. Also bin/ripcord.js
 * in a checkout without dist/ (the sources through tsx) and with neither (a message, not a trace).
 * The dependencies come from the npm cache when it has them, from the registry otherwise.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), 'ripcord-package-'));
const checkout = join(work, 'checkout');
const prefix = join(work, 'prefix');
const installed = join(prefix, 'lib', 'node_modules', 'ripcord');
// The installed command first; node itself and the usual tools after it, nothing of this checkout.
const PATH = [join(prefix, 'bin'), dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
let tarball = '';

after(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the working tree as a user's clone would have it: no dist/, its node_modules installed. */
function copyCheckout(): void {
  const skip = new Set(['.git', 'node_modules', 'dist', 'coverage', '.ripcord-test']);
  cpSync(ROOT, checkout, { recursive: true, filter: (src) => !(dirname(src) === ROOT.replace(/\/$/, '') && skip.has(basename(src))) });
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(checkout, 'node_modules'));
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `ripcord ARGS` as a shell finds it: through PATH, in `cwd`. */
function ripcord(args: string[], cwd = work) {
  const r = spawnSync('ripcord', args, { cwd, encoding: 'utf8', env: { HOME: process.env.HOME, PATH }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, all: `${r.stdout}\n${r.stderr}${r.error ? `\n${r.error.message}` : ''}` };
}

/** What tsc emits: `import … from 'x'`, `export … from 'x'`, `import 'x'` at a line's start; `import('x')`. */
const STATIC_IMPORT = /^(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

before(() => {
  copyCheckout();
  // As INSTALL.md: `tarball=$(npm pack --silent)` then `npm install -g "./$tarball"`.
  tarball = join(checkout, npm(['pack', '--silent'], checkout).trim());
  // --ignore-scripts: the optional native builds (cpu-features, msgpackr-extract) have JS fallbacks,
  // and npm 11 skips them for global installs anyway.
  npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', tarball], checkout);
});

describe('the npm package', () => {
  test('the tarball holds the compiled CLI, bin, the base-image scripts, example configs, README and LICENSE — nothing else', () => {
    const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((e) => e.replace(/^package\//, ''));
    const allowed = /^(dist\/.+\.(js|sql)|bin\/ripcord\.js|scripts\/(provision|build-base-images)\.sh|deploy\/ripcord\.(django\.yml|nextjs-prisma\.yml|service)|manifest\.yml|package\.json|README\.md|LICENSE)$/;
    assert.deepEqual(entries.filter((e) => !allowed.test(e)), [], 'nothing outside the list');
    for (const needed of ['dist/main.js', 'dist/store/migrations/001_deployments.sql', 'bin/ripcord.js', 'scripts/build-base-images.sh', 'deploy/ripcord.django.yml', 'README.md', 'LICENSE']) {
      assert.ok(entries.includes(needed), `${needed} is in the tarball`);
    }
  });

  test('everything the compiled code imports is a runtime dependency (none is a devDependency)', () => {
    const dist = join(installed, 'dist');
    const imported = new Set<string>();
    for (const file of filesUnder(dist).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(dist, file), 'utf8');
      for (const m of [...code.matchAll(STATIC_IMPORT), ...code.matchAll(DYNAMIC_IMPORT)]) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('.')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    const missing = [...imported].filter((name) => !name.startsWith('node:') && !builtinModules.includes(name) && !(name in PKG.dependencies));
    assert.deepEqual(missing, []);
    assert.ok(imported.has('@slack/bolt') && imported.has('pg'), 'the scan found the imports');
  });

  test('the installed `ripcord --version` runs from PATH, without tsx', () => {
    const r = ripcord(['--version']);
    assert.equal(r.code, 0, r.all);
    assert.equal(r.out.trim(), PKG.version);
    assert.throws(() => statSync(join(installed, 'node_modules', 'tsx')), 'tsx is not installed with the package');
  });

  test('the installed `ripcord config check` accepts the example config it ships', () => {
    const r = ripcord(['config', 'check', '--config', join(installed, 'deploy', 'ripcord.django.yml')]);
    assert.equal(r.code, 0, r.all);
    assert.match(r.out, /^ok: .*ripcord\.django\.yml defines 1 environment/);
  });

  test('the installed `ripcord init` writes a ripcord.yml for an app, into a directory it makes, then runs doctor', () => {
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'manage.py'), '#!/usr/bin/env python\n');
    writeFileSync(join(app, 'docker-compose.yml'), 'services:\n  db:\n    image: postgres:15\n    environment: { POSTGRES_DB: shop, POSTGRES_USER: shop }\n  web:\n    build: .\n    ports: ["127.0.0.1:8000:8000"]\n');
    const output = join(work, 'etc', 'ripcord', 'ripcord.yml');
    const r = ripcord(['init', app, '--yes', '--output', output, '--state-dir', join(work, 'state')]);
    assert.equal(r.code, 0, r.all);
    assert.match(r.out, /preset: django/);
    assert.match(r.out, /ripcord doctor --cli-only/);
    assert.match(r.out, /✔ docker engine/, 'doctor reached the Docker engine through the installed dependencies');
    assert.equal(ripcord(['config', 'check', '--config', output]).code, 0);
  });
});

describe('what the demo tells a user of the installed package to run', () => {
  test('its provision command names the script the package ships, by a path that exists', () => {
    const hostTools = join(installed, 'dist', 'demo', 'host-tools.js');
    const shown = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(hostTools)}); console.log(m.provisionCommand('/'))`], { encoding: 'utf8' }).trim();
    assert.equal(shown, `bash ${join(installed, 'scripts', 'provision.sh')}`);
  });

  test('that script runs from the installed package: nothing to install into it, the base images reused', () => {
    const r = spawnSync('bash', [join(installed, 'scripts', 'provision.sh')], { cwd: work, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /node modules: installed with the package/);
    assert.match(r.stdout, /local\/busybox:1 and local\/postgres:15 ready\n\[provision\] ready/);
  });
});

describe('bin/ripcord.js in a checkout', () => {
  test('without dist/, it runs the sources through tsx (a fresh clone after npm ci)', () => {
    rmSync(join(checkout, 'dist'), { recursive: true, force: true });
    const r = spawnSync(process.execPath, [join(checkout, 'bin', 'ripcord.js'), '--version'], { cwd: work, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), PKG.version);
  });

  test('with neither dist/ nor tsx, it says what to run instead of a stack trace', () => {
    const bare = join(work, 'bare');
    for (const file of ['bin/ripcord.js', 'src/main.ts', 'package.json']) cpSync(join(ROOT, file), join(bare, file));
    const r = spawnSync(process.execPath, [join(bare, 'bin', 'ripcord.js'), '--version'], { cwd: work, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim(), `ripcord: cannot start — there is no compiled ${join(bare, 'dist', 'main.js')} and no tsx to run the sources — run \`npm ci && npm run build\` in ${bare} (or \`npm ci\` alone to run the sources through tsx)`);
  });
});

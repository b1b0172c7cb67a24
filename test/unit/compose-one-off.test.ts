/** The one-off's compose file, made from `compose config` output, and the reason a failed command gives. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { imageNamesOf, oneOffProject, oneOffRunArgv, parseResolvedConfig } from '../../src/adapters/compose-one-off.js';
import { commandError, meaningfulLines } from '../../src/adapters/compose-output.js';

// What docker-compose 1.29 `config` prints for a web service built here, on host networking, with an env_file.
const V1_CONFIG = `services:
  db:
    image: local/postgres:15
    network_mode: host
  web:
    build:
      context: /srv/shop/web
    depends_on:
      db:
        condition: service_healthy
    environment:
      A: x$$y
      SECRET_KEY: s3cr$$t
    healthcheck:
      test:
      - CMD
      - "true"
    network_mode: host
    ports:
    - 8000:8000
    restart: always
    volumes:
    - /srv/shop/data:/data:ro
    - media:/media:rw
version: '2.4'
volumes:
  media: {}
`;

describe('oneOffProject', () => {
  test('one service under its own name: resolved settings kept, links, start order, ports, restart and healthcheck dropped', () => {
    const { text, service } = oneOffProject(parseResolvedConfig(V1_CONFIG), 'web', 'sha256:new');
    assert.equal(service, 'ripcord-run-web');
    const doc = parse(text) as { version: string; volumes: unknown; services: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(doc.services), ['ripcord-run-web'], 'nothing else: no link to the running web');
    const svc = doc.services['ripcord-run-web']!;
    assert.equal(svc.image, 'sha256:new', 'pinned to the image ID, no build');
    assert.equal(svc.build, undefined);
    assert.equal(svc.network_mode, 'host');
    assert.deepEqual(svc.volumes, ['/srv/shop/data:/data:ro', 'media:/media:rw']);
    assert.deepEqual(svc.environment, { A: 'x$$y', SECRET_KEY: 's3cr$$t' }, 'compose\'s $$ escapes survive');
    for (const dropped of ['depends_on', 'ports', 'restart', 'healthcheck']) assert.equal(svc[dropped], undefined, dropped);
    assert.equal(doc.version, '2.4');
    assert.deepEqual(doc.volumes, { media: {} }, 'named volumes keep their project names');
  });

  test('no image ID known: compose decides, as `compose run` would', () => {
    const svc = (parse(oneOffProject(parseResolvedConfig(V1_CONFIG), 'web', null).text) as { services: Record<string, Record<string, unknown>> }).services['ripcord-run-web']!;
    assert.deepEqual(svc.build, { context: '/srv/shop/web' });
  });

  test('a service that is not in the file: an error naming the services there', () => {
    assert.throws(() => oneOffProject(parseResolvedConfig(V1_CONFIG), 'tasks', null), (e: Error & { fix?: string }) => {
      assert.match(e.message, /service "tasks" is not in the compose file \(it has: db, web\)/);
      assert.match(e.fix ?? '', /set the stage's service/);
      return true;
    });
  });

  test('image names: the service\'s image, else what v1 (p_s) or v2 (p-s) tags a build as', () => {
    const project = parseResolvedConfig(V1_CONFIG);
    assert.deepEqual(imageNamesOf(project, 'shop', 'db', ['docker-compose']), ['local/postgres:15']);
    assert.deepEqual(imageNamesOf(project, 'shop', 'web', ['docker-compose']), ['shop_web', 'shop-web']);
    assert.deepEqual(imageNamesOf(project, 'shop', 'web', ['docker', 'compose']), ['shop-web', 'shop_web']);
  });

  test('the command goes on argv (never interpolated by compose), with the project and its directory', () => {
    const argv = oneOffRunArgv({ program: ['docker-compose'], appDir: '/srv/shop', composeFile: 'docker-compose.yml', project: 'shop' }, '/tmp/x/compose.yml', 'ripcord-run-web', 'echo $HOME');
    assert.deepEqual(argv, ['docker-compose', '-f', '/tmp/x/compose.yml', '-p', 'shop', '--project-directory', '/srv/shop', 'run', '--rm', '--no-deps', '-T', 'ripcord-run-web', 'sh', '-c', 'echo $HOME']);
  });
});

describe('commandError: the command\'s own words, not compose\'s', () => {
  test('compose v1 progress after the command\'s output is skipped', () => {
    const out = 'checking settings\nSECRET_KEY missing\n\nCreating shop_ripcord-run-web_run ... \nCreating shop_ripcord-run-web_run ... done\nFound orphan containers (shop_web_1) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.\n';
    assert.equal(commandError(out), 'SECRET_KEY missing');
  });

  test('compose v2 progress and pull progress are skipped', () => {
    const out = 'psql:/app/migrations/004.sql:6: ERROR:  division by zero\n[+] Running 1/1\n ✔ Container shop-db-1  Running\nNetwork shop_default  Created\nabc123: Pull complete\nDigest: sha256:0123\nStatus: Downloaded newer image for x\n';
    assert.equal(commandError(out), 'psql:/app/migrations/004.sql:6: ERROR:  division by zero');
  });

  test('an error line near the end wins over a trailing summary; nothing of its own gives undefined', () => {
    assert.equal(commandError('Traceback (most recent call last):\n  File "x.py"\nKeyError: \'SECRET_KEY\'\nexiting\n'), "KeyError: 'SECRET_KEY'");
    assert.equal(commandError('Creating shop_web_run ... done\n'), undefined);
  });

  test('compose\'s own refusal is kept (it is the reason when the command never ran)', () => {
    const out = "Creating shop_web_run ... error\n\nERROR: for shop_web_run  Cannot create container for service web: conflicting options: host type networking can't be used with links.\nEncountered errors while bringing up the project.\n";
    assert.match(commandError(out) ?? '', /host type networking can't be used with links/);
  });

  test('the app\'s own lines that merely start like compose\'s stay', () => {
    assert.deepEqual(meaningfulLines('Creating index on items\nBuilding assets\n'), ['Creating index on items', 'Building assets']);
  });
});

/** How a container's inspect becomes the create request that makes it again, and compose's start order. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type Docker from 'dockerode';
import { blueprintOf, startOrder, type ContainerBlueprint } from '../../src/adapters/container-blueprint.js';

const ID = 'a1b2c3d4e5f6'.padEnd(64, '0');

function inspect(over: { network?: string; networks?: Record<string, Docker.EndpointSettings>; mounts?: Docker.ContainerInspectInfo['Mounts']; binds?: string[]; hostname?: string; labels?: Record<string, string> } = {}): Docker.ContainerInspectInfo {
  return {
    Id: ID, Name: '/shop_web_1', Image: 'sha256:old',
    Config: { Hostname: over.hostname ?? 'a1b2c3d4e5f6', Image: 'shop_web', Env: ['A=1'], Cmd: ['serve'], Labels: { 'com.docker.compose.service': 'web', 'com.docker.compose.config-hash': 'h1', ...over.labels } },
    HostConfig: { NetworkMode: over.network ?? 'shop_default', Binds: over.binds ?? ['/srv/shop/static:/static:ro'], Init: true },
    NetworkSettings: { Networks: over.networks ?? { shop_default: { Aliases: ['web', 'a1b2c3d4e5f6'], NetworkID: 'n1', IPAddress: '172.18.0.3' } } },
    Mounts: over.mounts ?? [],
  } as unknown as Docker.ContainerInspectInfo;
}

describe('blueprintOf', () => {
  test('same name, labels (config hash too), command and host config; the old short ID neither hostname nor alias', () => {
    const bp = blueprintOf(inspect());
    assert.equal(bp.name, 'shop_web_1');
    assert.equal(bp.service, 'web');
    assert.equal(bp.id, ID);
    assert.equal(bp.create.name, 'shop_web_1');
    assert.equal(bp.create.Image, 'sha256:old', 'by image ID: a tag can move between the re-tag and the create');
    assert.equal(bp.create.Labels?.['io.ripcord.image-name'], 'shop_web', 'the service\'s image name, for the next preflight');
    assert.equal(bp.create.Labels?.['com.docker.compose.config-hash'], 'h1');
    assert.equal(bp.create.Hostname, undefined);
    assert.deepEqual(bp.create.HostConfig?.Binds, ['/srv/shop/static:/static:ro']);
    assert.deepEqual(bp.create.NetworkingConfig, { EndpointsConfig: { shop_default: { Aliases: ['web'] } } });
    assert.deepEqual(bp.extraNetworks, []);
  });

  test('host networking: no endpoints, no hostname', () => {
    const bp = blueprintOf(inspect({ network: 'host', networks: { host: {} }, hostname: 'prod-1' }));
    assert.equal(bp.create.NetworkingConfig, undefined);
    assert.equal(bp.create.Hostname, undefined);
  });

  test('a hostname someone set is kept; networks beyond the first are connected later', () => {
    const bp = blueprintOf(inspect({ hostname: 'api', networks: { shop_default: { Aliases: ['web'] }, shop_back: { Aliases: ['web', 'api'] } } }));
    assert.equal(bp.create.Hostname, 'api');
    assert.deepEqual(Object.keys(bp.create.NetworkingConfig?.EndpointsConfig ?? {}), ['shop_default']);
    assert.deepEqual(bp.extraNetworks, [{ network: 'shop_back', endpoint: { Aliases: ['web', 'api'] } }]);
  });

  test('anonymous volumes are bound again by name; named and bind mounts are not doubled', () => {
    const bp = blueprintOf(inspect({
      binds: ['shop_media:/media:rw'],
      mounts: [
        { Type: 'volume', Name: 'shop_media', Source: '/var/lib/docker/volumes/shop_media/_data', Destination: '/media', Mode: 'rw', RW: true, Propagation: '' },
        { Type: 'volume', Name: 'f00d', Source: '/var/lib/docker/volumes/f00d/_data', Destination: '/cache', Mode: '', RW: true, Propagation: '' },
        { Type: 'volume', Name: 'beef', Source: '/var/lib/docker/volumes/beef/_data', Destination: '/seed', Mode: '', RW: false, Propagation: '' },
      ],
    }));
    assert.deepEqual(bp.create.HostConfig?.Binds, ['shop_media:/media:rw', 'f00d:/cache', 'beef:/seed:ro']);
  });
});

describe('startOrder', () => {
  const bp = (service: string, dependsOn?: string): ContainerBlueprint =>
    ({ id: service, name: `shop_${service}_1`, service, create: { Labels: dependsOn === undefined ? {} : { 'com.docker.compose.depends_on': dependsOn } }, extraNetworks: [] });

  test('one service has its order; several need compose v2 depends_on labels', () => {
    assert.deepEqual(startOrder([bp('web')]), ['web']);
    assert.equal(startOrder([bp('web'), bp('worker')]), null, 'compose v1 records no order');
  });

  test('dependencies first, ones outside the set (the database) ignored', () => {
    const order = startOrder([bp('nginx', 'web:service_started:false'), bp('web', 'db:service_healthy:false,worker:service_started:false'), bp('worker', '')]);
    assert.deepEqual(order, ['worker', 'web', 'nginx']);
  });

  test('a cycle has no order', () => {
    assert.equal(startOrder([bp('a', 'b:service_started:false'), bp('b', 'a:service_started:false')]), null);
  });
});

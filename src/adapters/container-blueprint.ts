/**
 * A container as it ran, kept as the Engine API's create request, so a rollback can create it again
 * exactly — same name, compose labels (config hash included, so compose later finds it up to date),
 * command, environment, mounts and networks — without a compose call and its start-up. The same
 * transformation `docker inspect` → `docker create` that container updaters use (watchtower's
 * GetCreateConfig), plus compose's one care on recreate: anonymous volumes are reattached, not new.
 */
import type Docker from 'dockerode';

export interface ContainerBlueprint {
  /** The container it was taken from: still there with this ID means it was never replaced. */
  id: string;
  /** Without the leading slash, e.g. `shop_web_1`. */
  name: string;
  service: string;
  create: Docker.ContainerCreateOptions;
  /** Networks beyond the first: the Engine API before 1.44 takes one at create, the rest are connected before start. */
  extraNetworks: Array<{ network: string; endpoint: Docker.EndpointSettings }>;
}

const SERVICE = 'com.docker.compose.service';
/** The image name compose gave the container, kept when Ripcord creates it again by image ID. */
export const IMAGE_NAME_LABEL = 'io.ripcord.image-name';

/** The name (repo[:tag]) a container's service uses, also for a container Ripcord made by image ID. */
export function imageNameOf(info: Pick<Docker.ContainerInspectInfo, 'Config'>): string {
  return info.Config.Labels?.[IMAGE_NAME_LABEL] ?? info.Config.Image;
}
/** Modes where the container shares another namespace: no hostname, no endpoints of its own. */
const sharedNetwork = (mode: string | undefined) => mode === 'host' || mode === 'none' || Boolean(mode?.startsWith('container:'));

export function blueprintOf(info: Docker.ContainerInspectInfo): ContainerBlueprint {
  const mode = info.HostConfig.NetworkMode;
  const { Hostname, ...config } = info.Config;
  // An automatic hostname is the old container's short ID; under a shared network it is not ours to set.
  const hostname = sharedNetwork(mode) || info.Id.startsWith(Hostname) ? {} : { Hostname };
  const endpoints = sharedNetwork(mode) ? [] : Object.entries(info.NetworkSettings.Networks ?? {}).map(([network, e]) => ({ network, endpoint: endpointOf(e, info.Id) }));
  const first = endpoints.find((e) => e.network === mode) ?? endpoints[0];
  // By image ID, never by the tag: a tag can be moved (a build finishing, a person) between the
  // rollback's re-tag and the create. The name the service used is kept in a label for the next preflight.
  const create: Docker.ContainerCreateOptions = {
    ...config, ...hostname, name: info.Name.replace(/^\//, ''),
    Image: info.Image,
    Labels: { ...config.Labels, [IMAGE_NAME_LABEL]: imageNameOf(info) },
    HostConfig: { ...info.HostConfig, Binds: [...(info.HostConfig.Binds ?? []), ...anonymousVolumeBinds(info)] },
    ...(first ? { NetworkingConfig: { EndpointsConfig: { [first.network]: first.endpoint } } } : {}),
  };
  return { id: info.Id, name: info.Name.replace(/^\//, ''), service: info.Config.Labels[SERVICE] ?? '', create, extraNetworks: endpoints.filter((e) => e !== first) };
}

/** What create accepts of an endpoint; the old container's short ID alias would name a container that is gone. */
function endpointOf(e: Docker.EndpointSettings, containerId: string): Docker.EndpointSettings {
  const aliases = (e.Aliases ?? []).filter((a) => !containerId.startsWith(a));
  return { ...(aliases.length > 0 ? { Aliases: aliases } : {}), ...(e.IPAMConfig ? { IPAMConfig: e.IPAMConfig } : {}), ...(e.Links ? { Links: e.Links } : {}), ...(e.DriverOpts ? { DriverOpts: e.DriverOpts } : {}) };
}

/** Volumes Docker made for the container (image VOLUME or a path-only compose volume): bound again by name, as compose does. */
function anonymousVolumeBinds(info: Docker.ContainerInspectInfo): string[] {
  const given = new Set([
    ...(info.HostConfig.Binds ?? []).map((b) => b.split(':')[1]),
    ...(info.HostConfig.Mounts ?? []).map((m) => m.Target),
  ]);
  return info.Mounts
    .filter((m) => m.Type === 'volume' && m.Name && !given.has(m.Destination))
    .map((m) => `${m.Name}:${m.Destination}${m.RW ? '' : ':ro'}`);
}

const DEPENDS_ON = 'com.docker.compose.depends_on';

/**
 * The order compose would start these services in, or null when it cannot be known: compose v2
 * labels each container with its `depends_on` (`db:service_healthy:false,…`); compose v1 records
 * none, so only a single service has an order to keep.
 */
export function startOrder(blueprints: readonly ContainerBlueprint[]): string[] | null {
  if (blueprints.length <= 1) return blueprints.map((b) => b.service);
  const deps = new Map<string, string[]>();
  for (const b of blueprints) {
    const label = b.create.Labels?.[DEPENDS_ON];
    if (label === undefined) return null;
    deps.set(b.service, label.split(',').map((d) => d.split(':')[0] ?? '').filter(Boolean));
  }
  const order: string[] = [];
  const visit = (s: string, path: readonly string[]): boolean => {
    if (order.includes(s) || !deps.has(s)) return true;
    if (path.includes(s)) return false;
    if (!(deps.get(s) ?? []).every((d) => visit(d, [...path, s]))) return false;
    order.push(s);
    return true;
  };
  return [...deps.keys()].every((s) => visit(s, [])) ? order : null;
}

/**
 * The Docker engine, through dockerode: what a compose project is running, image IDs, logs.
 * Compose itself (build, up, run) goes through the compose CLI; this adapter observes, does what
 * the CLI cannot (keep an image by ID, read logs with timestamps), and stops and removes
 * containers, where a compose call would cost its ~0.4 s start-up on a rollback's critical path.
 */
import Docker from 'dockerode';
import { blueprintOf, imageNameOf, type ContainerBlueprint } from './container-blueprint.js';

/** A running (or exited) container of a compose service. */
export interface ServiceContainer {
  id: string;
  name: string;
  service: string;
  /** The image the container runs, by ID (sha256:…): what a rollback restores. */
  imageId: string;
  /** The image reference compose uses for this service (e.g. `proj_web`). */
  imageName: string;
  state: string;
  /** Docker healthcheck status when the image declares one. */
  health: 'healthy' | 'unhealthy' | 'starting' | null;
  oneOff: boolean;
}

export interface ContainerRuntime {
  serviceContainers(project: string): Promise<ServiceContainer[]>;
  imageExists(imageId: string): Promise<boolean>;
  /** The image ID (sha256:…) `name` points at now, or null when there is no such image. */
  imageIdOf(name: string): Promise<string | null>;
  /** Points `name` (repo[:tag]) at `imageId`, so compose starts that exact image again. */
  tagImage(imageId: string, name: string): Promise<void>;
  /** Log lines (stdout and stderr) since `since`, newest `tail` lines at most. */
  logs(containerId: string, opts: { since?: Date; tail?: number }): Promise<string[]>;
  removeContainer(containerId: string): Promise<void>;
  /** Stops it as `compose stop` would: its stop signal, then SIGKILL after its own stop timeout if it has one, else 10 s (compose's default). */
  stopContainer(containerId: string): Promise<void>;
  /** The create request that makes this container again as it is (container-blueprint.ts). */
  blueprint(containerId: string): Promise<ContainerBlueprint>;
  /** Removes `replace` (volumes kept), creates the blueprint's container, connects its other networks, starts it. */
  recreate(blueprint: ContainerBlueprint, replace: readonly string[]): Promise<void>;
  /** Starts an existing container; one already running is left as it is. */
  startContainer(containerId: string): Promise<void>;
}

const PROJECT = 'com.docker.compose.project';
const SERVICE = 'com.docker.compose.service';
const ONEOFF = 'com.docker.compose.oneoff';

export class DockerodeRuntime implements ContainerRuntime {
  constructor(private readonly docker: Docker = dockerFromEnvironment(process.env)) {}

  async serviceContainers(project: string): Promise<ServiceContainer[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${PROJECT}=${project}`] } });
    // Inspected together: a rollback lists containers several times on its critical path.
    const out = await Promise.all(list.map(async (c): Promise<ServiceContainer> => {
      const info = await this.docker.getContainer(c.Id).inspect();
      const health = info.State.Health?.Status;
      return {
        id: c.Id,
        name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
        service: c.Labels[SERVICE] ?? '',
        imageId: info.Image,
        imageName: imageNameOf(info),
        state: info.State.Status,
        health: health === 'healthy' || health === 'unhealthy' || health === 'starting' ? health : null,
        oneOff: c.Labels[ONEOFF] === 'True',
      };
    }));
    return out.sort((a, b) => a.service.localeCompare(b.service));
  }

  async imageExists(imageId: string): Promise<boolean> {
    try {
      await this.docker.getImage(imageId).inspect();
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw error;
    }
  }

  async imageIdOf(name: string): Promise<string | null> {
    try {
      return (await this.docker.getImage(name).inspect()).Id;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  }

  async tagImage(imageId: string, name: string): Promise<void> {
    const at = name.lastIndexOf(':');
    const hasTag = at > name.lastIndexOf('/');
    const repo = hasTag ? name.slice(0, at) : name;
    const tag = hasTag ? name.slice(at + 1) : 'latest';
    await this.docker.getImage(imageId).tag({ repo, tag });
  }

  async logs(containerId: string, opts: { since?: Date; tail?: number }): Promise<string[]> {
    const buf = await this.docker.getContainer(containerId).logs({
      stdout: true,
      stderr: true,
      follow: false,
      since: opts.since ? Math.floor(opts.since.getTime() / 1000) : 0,
      ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
    });
    return demultiplex(buf).split('\n').filter((l) => l.length > 0);
  }

  async removeContainer(containerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerId).remove({ force: true, v: false });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }

  async blueprint(containerId: string): Promise<ContainerBlueprint> {
    return blueprintOf(await this.docker.getContainer(containerId).inspect());
  }

  async recreate(blueprint: ContainerBlueprint, replace: readonly string[]): Promise<void> {
    await Promise.all(replace.map((id) => this.removeContainer(id)));
    const container = await this.docker.createContainer(blueprint.create);
    for (const { network, endpoint } of blueprint.extraNetworks) {
      await this.docker.getNetwork(network).connect({ Container: container.id, EndpointConfig: endpoint });
    }
    await container.start();
  }

  async startContainer(containerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerId).start();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 304) throw error;
    }
  }

  async stopContainer(containerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerId).stop();
    } catch (error) {
      // 304: already stopped; 404: already gone. Either way it is not running.
      const code = (error as { statusCode?: number }).statusCode;
      if (code !== 304 && code !== 404) throw error;
    }
  }
}

/**
 * Docker multiplexes stdout/stderr of non-TTY containers into 8-byte-headed frames;
 * TTY containers send raw text. Both are handled.
 */
export function demultiplex(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2 || buf[i] === 0) && buf[i + 1] === 0 && buf[i + 2] === 0 && buf[i + 3] === 0) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  if (i === 0) return buf.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}

/** dockerode only reads DOCKER_HOST from process.env; callers may pass another environment. */
export function dockerFromEnvironment(env: Readonly<Record<string, string | undefined>>): Docker {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  if (host?.startsWith('tcp://')) {
    const url = new URL(host);
    return new Docker({ host: url.hostname, port: Number(url.port || 2375) });
  }
  return new Docker({ socketPath: '/var/run/docker.sock' });
}

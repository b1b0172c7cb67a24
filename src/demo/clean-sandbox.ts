/**
 * `ripcord demo --clean`: removes every container, volume and image of the sandbox's compose
 * project (including images a rollback re-tagged and one-off containers), then its directory.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../adapters/process-runner.js';
import type { SandboxRecord } from './sandbox.js';

export interface CleanResult {
  containers: number;
  volumes: number;
  images: number;
  removedDir: boolean;
}

const lines = async (argv: string[]): Promise<string[]> => {
  const r = await runCommand({ argv, timeoutMs: 60_000 });
  return r.exitCode === 0 ? r.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : [];
};

/** What of the project is still in the Docker engine. */
export async function sandboxLeftovers(project: string): Promise<{ containers: string[]; volumes: string[]; images: string[] }> {
  return {
    containers: await lines(['docker', 'ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]),
    volumes: await lines(['docker', 'volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`]),
    images: (await lines(['docker', 'images', '--format', '{{.Repository}}:{{.Tag}}'])).filter((i) => i.startsWith(`${project}_`) || i.startsWith(`${project}-`)),
  };
}

export async function cleanSandbox(dir: string): Promise<CleanResult | null> {
  const recordPath = join(dir, 'sandbox.json');
  if (!existsSync(recordPath)) return null;
  const { project } = JSON.parse(readFileSync(recordPath, 'utf8')) as SandboxRecord;
  const left = await sandboxLeftovers(project);
  // Containers first: a volume or image in use cannot be removed.
  for (const c of left.containers) await runCommand({ argv: ['docker', 'rm', '-f', '-v', c], timeoutMs: 60_000 });
  for (const v of left.volumes) await runCommand({ argv: ['docker', 'volume', 'rm', '-f', v], timeoutMs: 60_000 });
  for (const i of left.images) await runCommand({ argv: ['docker', 'rmi', '-f', i], timeoutMs: 60_000 });
  for (const id of await oldReleaseImages(dir, project)) await runCommand({ argv: ['docker', 'rmi', id], timeoutMs: 60_000 });
  // Files made inside containers (the db volume is a named volume, so none are expected) are root's: rm -rf as we are.
  rmSync(dir, { recursive: true, force: true });
  return { containers: left.containers.length, volumes: left.volumes.length, images: left.images.length, removedDir: !existsSync(dir) };
}

/**
 * Images of earlier releases lose their tag when a newer one is built; the journals recorded their
 * IDs. Only images tagged for this project or not tagged at all are removed (never the base images).
 */
async function oldReleaseImages(dir: string, project: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const file of filesUnder(join(dir, 'state'))) for (const m of readFileSync(file, 'utf8').matchAll(/sha256:[0-9a-f]{64}/g)) ids.add(m[0]);
  const mine: string[] = [];
  for (const id of ids) {
    const tags = await lines(['docker', 'image', 'inspect', '--format', '{{range .RepoTags}}{{println .}}{{end}}', id]).catch(() => null);
    const exists = (await runCommand({ argv: ['docker', 'image', 'inspect', id], timeoutMs: 60_000 })).exitCode === 0;
    if (exists && tags !== null && tags.every((t) => t.startsWith(`${project}_`) || t.startsWith(`${project}-`))) mine.push(id);
  }
  return mine;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

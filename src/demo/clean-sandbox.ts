/**
 * `ripcord demo --clean`: removes every container, volume and image of the sandbox's compose
 * project (including images a rollback re-tagged and one-off containers), then its directory.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
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
    // Every image built for the sandbox carries its label: tagged, re-tagged by a rollback, or untagged.
    images: await lines(['docker', 'images', '-aq', '--filter', `label=org.ripcord.demo.sandbox=${project}`]),
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
  for (const i of new Set(left.images)) await runCommand({ argv: ['docker', 'rmi', '-f', i], timeoutMs: 60_000 });
  // Files made inside containers (the db volume is a named volume, so none are expected) are root's: rm -rf as we are.
  rmSync(dir, { recursive: true, force: true });
  return { containers: left.containers.length, volumes: left.volumes.length, images: left.images.length, removedDir: !existsSync(dir) };
}

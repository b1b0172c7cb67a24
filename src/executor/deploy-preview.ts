/**
 * What `deploy --dry-run` shows besides the stages, from git alone (nothing is built or run):
 * the commits, the images the target release's compose file builds, and what can be said about
 * its migrations.
 */
import { isAbsolute, relative } from 'node:path';
import { parse } from 'yaml';
import type { DeployPreview } from '../domain/plan.js';
import type { ExecutorEnv } from './executor-env.js';

/** A path inside a directory named like a migrations folder (Django, Rails, Prisma, Alembic `versions`, plain SQL). */
const MIGRATION_DIR = /(^|\/)(migrations|migrate|versions)\//i;

export async function deployPreview(x: ExecutorEnv, current: string, target: string): Promise<DeployPreview> {
  return {
    commits: await x.repo.commitsBetween(current, target),
    migrations: await migrationsPreview(x, current, target),
    imagesToBuild: await imagesToBuild(x, target),
  };
}

async function migrationsPreview(x: ExecutorEnv, current: string, target: string): Promise<DeployPreview['migrations']> {
  const migrate = x.env.stages.migrate;
  if (!migrate) return { known: true, why: 'none (stages.migrate is not set)', files: [] };
  const changed = await x.repo.filesChangedBetween(current, target, '');
  return {
    known: false,
    why: `\`${migrate.command}\` in ${migrate.service} decides, and it is the new release's code (a preview runs nothing)`,
    files: changed.filter((f) => f.change !== 'deleted' && MIGRATION_DIR.test(f.path)),
  };
}

async function imagesToBuild(x: ExecutorEnv, target: string): Promise<DeployPreview['imagesToBuild']> {
  if (!x.env.stages.build) return { services: [], why: 'none (stages.build is false)' };
  const path = isAbsolute(x.env.composeFile) ? relative(x.env.appDir, x.env.composeFile) : x.env.composeFile;
  if (path.startsWith('..')) return { services: null, why: `${x.env.composeFile} is outside the app checkout, so its content at ${target} is not in git` };
  const text = await x.repo.fileAt(target, path);
  if (text === null) return { services: null, why: `${path} does not exist in ${target}` };
  return { services: servicesWithBuild(text, path) };
}

/** Services with a `build:` section (a context string, or an object with `context`), in file order. */
export function servicesWithBuild(composeYaml: string, path = 'the compose file'): Array<{ service: string; context: string }> {
  let doc: unknown;
  try {
    doc = parse(composeYaml);
  } catch (error) {
    throw new Error(`${path} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const services = (doc as { services?: Record<string, unknown> } | null)?.services ?? {};
  return Object.entries(services).flatMap(([service, def]) => {
    const build = (def as { build?: unknown } | null)?.build;
    if (build === undefined || build === null) return [];
    const context = typeof build === 'string' ? build : String((build as { context?: unknown }).context ?? '.');
    return [{ service, context }];
  });
}

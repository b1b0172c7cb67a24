/** The releases of the reference app: two good ones and one for each way the seeds say a deploy fails. */
import * as files from './app-files.js';

export const FAILING_RELEASES = [
  'build-fails', 'migration-fails', 'static-fails', 'health-503', 'integrity-fails', 'critical-log', 'exits-immediately',
] as const;
export const RELEASES = ['v1.0.0', 'v1.1.0', ...FAILING_RELEASES, 'slow-healthy', 'slow-build', 'data-only'] as const;
export type ReleaseTag = (typeof RELEASES)[number];
export type FailingRelease = (typeof FAILING_RELEASES)[number];

/** path (relative to the repo root) → content; `null` deletes. */
export type Tree = Record<string, string | null>;

function baseTree(version: string, flags: Record<string, string> = {}): Tree {
  const tree: Tree = {
    'docker-compose.yml': files.composeFile,
    '.gitignore': '.env\nlogs/\nbackups/\n',
    'db/start.sh': files.dbStart,
    'web/Dockerfile': files.dockerfile,
    'web/app/VERSION': `${version}\n`,
    'web/app/FLAGS': Object.entries(flags).map(([k, v]) => `${k}=${v}\n`).join('') || '# no flags\n',
    'web/app/bin/serve': files.serve,
    'web/app/bin/health.cgi': files.healthCgi,
    'web/app/bin/order.cgi': files.orderCgi,
    'web/app/bin/migrate': files.migrate,
    'web/app/bin/collectstatic': files.collectstatic,
    'web/app/bin/check': files.check,
    'web/app/static-src/app.css': 'body { font-family: sans-serif; }\n',
  };
  for (const [name, sql] of Object.entries(files.migrations)) tree[`web/app/migrations/${name}`] = sql;
  return tree;
}

function withV110(tree: Tree): Tree {
  for (const [name, sql] of Object.entries(files.migrationV110)) tree[`web/app/migrations/${name}`] = sql;
  return tree;
}

/** Each release's full tree. Failing releases build on v1.1.0, so migrations run and data changes before they fail. */
export function releaseTree(tag: ReleaseTag): Tree {
  switch (tag) {
    case 'v1.0.0': return baseTree('1.0.0');
    case 'v1.1.0': return withV110(baseTree('1.1.0'));
    case 'build-fails': return { ...withV110(baseTree('1.2.0-build')), 'web/Dockerfile': files.brokenDockerfile };
    case 'migration-fails': {
      const tree = withV110(baseTree('1.2.0-migration'));
      for (const [name, sql] of Object.entries(files.brokenMigration)) tree[`web/app/migrations/${name}`] = sql;
      return tree;
    }
    case 'static-fails': return withV110(baseTree('1.2.0-static', { STATIC_FAILS: '1' }));
    case 'health-503': return withV110(baseTree('1.2.0-health', { HEALTH_503: '1' }));
    case 'integrity-fails': return withV110(baseTree('1.2.0-integrity', { CHECK_FAILS: '1' }));
    case 'critical-log': return withV110(baseTree('1.2.0-critical', { CRITICAL_LOG: '1' }));
    case 'exits-immediately': return withV110(baseTree('1.2.0-exits', { EXIT_AT_START: '1' }));
    case 'slow-healthy': return withV110(baseTree('1.2.0-slow', { SLOW_SECONDS: '6' }));
    // A good release whose image takes a while to build: room to kill the executor mid-build.
    case 'data-only': {
      const tree = withV110(baseTree('1.1.1-data'));
      for (const [name, sql] of Object.entries(files.dataOnlyMigration)) tree[`web/app/migrations/${name}`] = sql;
      return tree;
    }
    case 'slow-build': return { ...withV110(baseTree('1.2.0-slowbuild')), 'web/Dockerfile': files.dockerfile.replace('CMD', 'RUN sleep 8\nCMD') };
  }
}

/** Host prerequisites: git and the app checkout, the Docker engine, compose, Ripcord's state dir, the backup dir. */
import { constants, existsSync, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import { resolveComposeProgram } from '../adapters/compose-cli.js';
import { dockerFromEnvironment } from '../adapters/dockerode-runtime.js';
import { runCommand } from '../adapters/process-runner.js';
import { fail, ok, warn, type Check, type CheckResult } from './check.js';
import { shortSha } from '../domain/ref.js';
import { withTimeout } from '../adapters/with-timeout.js';

export const checkGit: Check = async ({ env }) => {
  const version = await runCommand({ argv: ['git', '--version'], timeoutMs: 10000 }).catch(() => null);
  if (!version || version.exitCode !== 0) return fail('git', 'git is not installed', 'install git (apt-get install git)');
  if (!existsSync(env.appDir)) return fail('app dir', `${env.appDir} does not exist`, `clone the app there, or set appDir (APP_DIR) to its checkout`);
  const git = simpleGit(env.appDir);
  if (!(await git.checkIsRepo().catch(() => false))) return fail('app dir', `${env.appDir} is not a git checkout`, `clone the app with git into ${env.appDir}`);
  const remotes = await git.getRemotes();
  if (!remotes.some((r) => r.name === env.remote)) return fail('app dir', `git remote "${env.remote}" is missing in ${env.appDir}`, `git -C ${env.appDir} remote add ${env.remote} URL, or set remote in ripcord.yml`);
  const head = (await git.revparse(['HEAD'])).trim();
  return ok('git', `${version.stdout.trim()}; ${env.appDir} at ${shortSha(head, 12)}, remote ${env.remote}`);
};

export const checkDocker: Check = async ({ processEnv }) => {
  const docker = dockerFromEnvironment(processEnv);
  const where = processEnv.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  try {
    const info = (await withTimeout(docker.version(), 10000)) as { Version?: string };
    return ok('docker engine', `reachable at ${where}, version ${info.Version ?? 'unknown'}`);
  } catch (error) {
    return fail('docker engine', `not reachable at ${where}: ${(error as Error).message}`, 'start it: dockerd --bridge=none --iptables=false & (or `systemctl start docker`), or fix DOCKER_HOST');
  }
};

export const checkCompose: Check = async ({ env }) => {
  const program = await resolveComposeProgram(env.composeCommand);
  const wanted = env.composeCommand === 'auto' ? '`docker compose` or `docker-compose`' : `\`${env.composeCommand}\``;
  if (!program) return fail('compose', `${wanted} not found`, 'install Docker Compose (apt-get install docker-compose, or the docker-compose-plugin), or set composeCommand');
  const file = resolve(env.appDir, env.composeFile);
  if (!existsSync(file)) return fail('compose', `${program.join(' ')} found, but ${file} does not exist`, 'set composeFile (COMPOSE_FILE) to the compose file, relative to appDir');
  return ok('compose', `${program.join(' ')}, file ${file}`);
};

export const checkStateDir: Check = async ({ config }) => {
  try {
    await access(config.stateDir, constants.W_OK);
    return ok('state dir', `${config.stateDir} is writable (journal and locks)`);
  } catch {
    return fail('state dir', `${config.stateDir} is missing or not writable`, `mkdir -p -m 0700 ${config.stateDir} (as the user Ripcord runs as), or set stateDir`);
  }
};

export const checkBackupDir: Check = async ({ env }): Promise<CheckResult> => {
  const dir = env.backups.dir;
  if (!env.backups.enabled) return warn('backup dir', 'backups are disabled for this environment', 'set backups.enabled: true so deploys can be rolled back with data');
  if (!existsSync(dir)) return fail('backup dir', `${dir} does not exist`, `mkdir -p -m 0700 ${dir}`);
  const st = statSync(dir);
  if (!st.isDirectory()) return fail('backup dir', `${dir} is not a directory`, 'set backups.dir (BACKUP_DIR) to a directory');
  const mode = st.mode & 0o777;
  if (mode !== 0o700) return fail('backup dir', `${dir} has mode ${mode.toString(8).padStart(4, '0')}; dumps must not be readable by others`, `chmod 0700 ${dir}`);
  await access(join(dir), constants.W_OK).catch(() => { throw new Error(`${dir} is not writable`); });
  return ok('backup dir', `${dir} exists with mode 0700`);
};


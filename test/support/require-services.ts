/**
 * Integration tests need real services. When one is missing they fail at once with the command
 * that starts it, instead of timing out somewhere deep.
 */
import { runCommand } from '../../src/adapters/process-runner.js';

async function works(argv: string[]): Promise<boolean> {
  return runCommand({ argv, timeoutMs: 10_000 }).then((r) => r.exitCode === 0).catch(() => false);
}

export async function requireDocker(): Promise<void> {
  if (!(await works(['docker', 'info']))) throw new Error('Docker engine is not running: run `sudo bash scripts/provision.sh` (starts dockerd --bridge=none --iptables=false)');
  if (!(await works(['docker', 'image', 'inspect', 'local/postgres:15', 'local/busybox:1']))) throw new Error('base images missing: run `bash scripts/build-base-images.sh`');
  if (!(await works(['docker-compose', 'version'])) && !(await works(['docker', 'compose', 'version']))) throw new Error('compose is not installed: run `sudo bash scripts/provision.sh`');
}

export async function requirePostgres(): Promise<void> {
  if (!(await works(['pg_isready', '-h', '127.0.0.1', '-p', '5432']))) {
    throw new Error('PostgreSQL is not running on 127.0.0.1:5432: run `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`');
  }
}

export async function requireRedis(): Promise<void> {
  if (!(await works(['redis-cli', '-h', '127.0.0.1', '-p', '6379', 'ping']))) {
    throw new Error('Redis is not running on 127.0.0.1:6379: run `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log`');
  }
}

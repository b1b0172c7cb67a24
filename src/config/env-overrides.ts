/**
 * The old scripts' environment variables, with the same meaning, applied over ripcord.yml.
 * A team that ran update.sh / rollback.sh keeps its environment and gets the same behaviour.
 */
import type { ConfigIssue } from '../domain/errors.js';

type Vars = Readonly<Record<string, string | undefined>>;
type Patch = Record<string, unknown>;

/** Variables that name one host's paths: ambiguous when ripcord.yml has several environments. */
const hostSpecific = new Set(['APP_DIR', 'BACKUP_DIR', 'COMPOSE_FILE']);

function parseBool(name: string, raw: string, issues: ConfigIssue[]): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'off'].includes(v)) return false;
  issues.push({ path: `$${name}`, problem: `is "${raw}", not a boolean`, fix: `set ${name}=true or ${name}=false` });
  return undefined;
}

function parseNumber(name: string, raw: string, issues: ConfigIssue[], integer: boolean): number | undefined {
  const n = Number(raw.trim());
  if (raw.trim() !== '' && Number.isFinite(n) && (!integer || Number.isInteger(n)) && n >= 0) return n;
  issues.push({ path: `$${name}`, problem: `is "${raw}", not a ${integer ? 'whole ' : ''}number ≥ 0`, fix: `set ${name}=${integer ? '5' : '10'}` });
  return undefined;
}

function set(patch: Patch, path: readonly string[], value: unknown): void {
  let node = patch;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Patch;
  node[path[path.length - 1] as string] = value;
}

/**
 * Builds the patch the seed variables make to one environment. `environmentCount` decides whether
 * host-specific variables may apply (they may only when there is exactly one environment).
 */
export function seedOverrides(vars: Vars, environmentCount: number, issues: ConfigIssue[]): Patch {
  const patch: Patch = {};
  const present = (name: string): string | undefined => {
    const raw = vars[name];
    if (raw === undefined || raw === '') return undefined;
    if (hostSpecific.has(name) && environmentCount > 1) {
      issues.push({ path: `$${name}`, problem: `is set but ripcord.yml defines ${environmentCount} environments`, fix: `unset ${name} and set it per environment in ripcord.yml` });
      return undefined;
    }
    return raw;
  };
  const bool = (name: string, path: string[]) => {
    const raw = present(name);
    if (raw === undefined) return;
    const v = parseBool(name, raw, issues);
    if (v !== undefined) set(patch, path, v);
  };
  const num = (name: string, path: string[], integer: boolean) => {
    const raw = present(name);
    if (raw === undefined) return;
    const v = parseNumber(name, raw, issues, integer);
    if (v !== undefined) set(patch, path, v);
  };
  const text = (name: string, path: string[]) => {
    const raw = present(name);
    if (raw !== undefined) set(patch, path, raw.trim());
  };

  bool('ROLLBACK_ENABLED', ['rollback', 'enabled']);
  bool('AUTO_ROLLBACK', ['rollback', 'auto']);
  num('HEALTH_CHECK_RETRIES', ['health', 'retries'], true);
  num('HEALTH_CHECK_DELAY', ['health', 'delaySeconds'], false);
  num('MAX_BACKUPS', ['backups', 'predeployRetentionDays'], true);
  text('SLACK_WEBHOOK_URL', ['notifications', 'slackWebhookUrl']);
  text('WEBHOOK_URL', ['notifications', 'webhookUrl']);
  text('WEBHOOK_SECRET', ['notifications', 'webhookSecret']);
  text('APP_DIR', ['appDir']);
  text('BACKUP_DIR', ['backups', 'dir']);
  text('COMPOSE_FILE', ['composeFile']);
  const email = present('NOTIFICATION_EMAIL');
  if (email !== undefined) set(patch, ['notifications', 'email', 'to'], email.split(/[\s,]+/).filter(Boolean));
  return patch;
}

/**
 * `${NAME}` and `${NAME:-default}` in ripcord.yml string values, so secrets stay in the environment
 * (or an .env.production file) and out of the config file.
 */
import type { ConfigIssue } from '../domain/errors.js';

const pattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolate(value: unknown, vars: Readonly<Record<string, string | undefined>>, issues: ConfigIssue[], path = ''): unknown {
  if (typeof value === 'string') {
    // `key: ${VAR:-}` with VAR unset means "not set": null, not an empty string that fails validation.
    const whole = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-)?\}$/.test(value);
    const replaced = value.replace(pattern, (_m, name: string, fallback: string | undefined) => {
      const found = vars[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      issues.push({ path, problem: `refers to \${${name}}, which is not set`, fix: `export ${name}=… or add it to the env file (--env-file), or write \${${name}:-default}` });
      return '';
    });
    return whole && replaced === '' ? null : replaced;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, vars, issues, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars, issues, path ? `${path}.${k}` : k)]));
  }
  return value;
}

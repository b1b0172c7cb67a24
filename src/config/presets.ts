/**
 * Presets fill in what the two stacks Ripcord replaces always had (DESIGN.md "What it replaces"):
 * stage commands, health path and port, critical log patterns. Anything in ripcord.yml wins.
 */

export type PresetName = 'django' | 'nextjs-prisma';

/** A partial environment in the raw (pre-validation) shape of ripcord.yml. */
export type RawEnvironment = Record<string, unknown>;

const django: RawEnvironment = {
  // Django wraps each migration in a transaction on PostgreSQL (unless a migration says atomic = False).
  database: { service: 'db', migrations: { table: 'django_migrations', eachInTransaction: true } },
  stages: {
    build: true,
    migrate: { service: 'web', command: 'python manage.py migrate --noinput' },
    static: { service: 'web', command: 'python manage.py collectstatic --noinput' },
    integrity: { service: 'web', command: 'python manage.py check --deploy' },
  },
  health: { port: 8000, path: '/health/', expectStatus: 200 },
  logs: { criticalPatterns: ['CRITICAL', 'Traceback \\(most recent call last\\)'] },
};

const nextjsPrisma: RawEnvironment = {
  // Prisma records a failed migration in _prisma_migrations, but does not run it in one transaction.
  database: { service: 'db', migrations: { table: '_prisma_migrations', eachInTransaction: false } },
  stages: {
    build: true,
    migrate: { service: 'web', command: 'npx prisma migrate deploy' },
    static: null,
    integrity: { service: 'web', command: 'npx prisma migrate status' },
  },
  // The runbook's health check is GET /api/health with a Bearer token: set
  // health.headers.Authorization to "Bearer ${HEALTH_TOKEN}" in ripcord.yml.
  health: { port: 3000, path: '/api/health', expectStatus: 200 },
  logs: { criticalPatterns: ['CRITICAL', 'FATAL', 'PrismaClientInitializationError', 'Error: P1001'] },
  rollback: { schemaCommand: { service: 'web', command: 'npx prisma migrate deploy' } },
};

export const presets: Readonly<Record<PresetName, RawEnvironment>> = { django, 'nextjs-prisma': nextjsPrisma };

export function isPresetName(name: unknown): name is PresetName {
  return typeof name === 'string' && Object.hasOwn(presets, name);
}

/** Deep merge for plain objects; arrays and scalars from `over` replace those in `base`. */
export function mergeDeep(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = mergeDeep(base[key], value);
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What a person (or a schedule) asks Ripcord to do, as it travels through Redis: who, from where,
 * which environment, which operation, and a request ID. Names and refs only — never a URL, a
 * path outside the backup dir, a token or a password: the executor reads those from its own
 * ripcord.yml. The request ID is the BullMQ job ID, so the same request submitted twice (a
 * double click, a retried HTTP call) is one operation.
 */
import { z } from 'zod';
import { BadInputError } from '../domain/errors.js';
import { refProblem } from '../domain/ref.js';

const safeRef = z.string().refine((r) => refProblem(r) === null, { error: (i) => `ref ${JSON.stringify(i.input)} ${refProblem(String(i.input)) ?? 'is not valid'}` });
/** A backup file name as `ripcord backups list` shows it: no directories, nothing hidden. */
const backupName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/, { error: 'a backup name is a file name from `ripcord backups list`, e.g. backup_20261122_020000.dump' });

const rollbackChoice = z.strictObject({
  kind: z.enum(['quick', 'commit', 'backup', 'full']),
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  ref: safeRef.optional(),
  backup: backupName.optional(),
  database: z.enum(['auto', 'restore', 'keep']).optional(),
  /** The plan the person confirmed (from `preview`): refused when the environment changed since. */
  confirmed: z.strictObject({ fromSha: z.string().regex(/^[0-9a-f]{40,64}$/), toSha: z.string().regex(/^[0-9a-f]{40,64}$/), backup: backupName.nullable() }).optional(),
});

export const operationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('deploy'), ref: safeRef }),
  z.strictObject({ kind: z.literal('rollback'), rollback: rollbackChoice }),
  z.strictObject({ kind: z.literal('backup_create'), backupKind: z.enum(['manual', 'daily', 'weekly', 'monthly']).default('manual') }),
  z.strictObject({ kind: z.literal('backup_verify'), backup: backupName, deep: z.boolean().default(false) }),
  z.strictObject({ kind: z.literal('backup_restore'), backup: backupName }),
  // Runs nothing on the host: the queue path alone, for bench/queue (see docs/BENCHMARKS.md).
  z.strictObject({ kind: z.literal('noop') }),
], { error: 'expected an operation: deploy, rollback, backup_create, backup_verify, backup_restore' });

/** Letters, digits, `.`, `_`, `-`: a request ID is also a Redis key part and a BullMQ job ID (no `:`). */
export const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const requestSchema = z.strictObject({
  requestId: z.string().regex(REQUEST_ID, { error: 'a request ID is 1–128 letters, digits, ".", "_" or "-", e.g. slack-C0123-1732950000.000100' }),
  environment: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, { error: 'an environment name from ripcord.yml, e.g. production' }),
  /** "@alice", "root": shown in progress, locks and notifications. */
  requestedBy: z.string().min(1).max(120),
  source: z.enum(['slack', 'cli', 'schedule']),
  operation: operationSchema,
});

export type OperationRequest = z.output<typeof requestSchema>;
export type RequestedOperation = OperationRequest['operation'];
export type OperationKind = RequestedOperation['kind'];

/** A request as it waits in the queue: plus the operation ID its journal and its event stream use. */
export interface OperationJobData extends OperationRequest {
  operationId: string;
  submittedAt: string;
}

/** Parses anything (a Slack payload, a job read back from Redis) into a request, or says what is wrong. */
export function parseRequest(input: unknown): OperationRequest {
  const parsed = requestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`);
  throw new BadInputError(`malformed request: ${problems.join('; ')}`, 'send { requestId, environment, requestedBy, source, operation: { kind, … } } as docs/ARCHITECTURE.md describes');
}

/** "deploy v1.1.0", "rollback commit v1.0.0", "backup_create manual": for locks, logs and titles. */
export function describeOperation(op: RequestedOperation): string {
  switch (op.kind) {
    case 'deploy': return `deploy ${op.ref}`;
    case 'rollback': return `rollback ${op.rollback.kind}${op.rollback.level ? ` level ${op.rollback.level}` : ''}${op.rollback.ref ? ` ${op.rollback.ref}` : ''}${op.rollback.backup ? ` ${op.rollback.backup}` : ''}`;
    case 'backup_create': return `backup create (${op.backupKind})`;
    case 'backup_verify': return `backup verify ${op.backup}`;
    case 'backup_restore': return `backup restore ${op.backup}`;
    case 'noop': return 'no-op';
  }
}

/** "@alice via slack": how requesters are named in locks and journals. */
export const requester = (r: Pick<OperationRequest, 'requestedBy' | 'source'>) => `${r.requestedBy} via ${r.source}`;

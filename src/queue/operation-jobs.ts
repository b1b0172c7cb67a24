/**
 * Names of the operation queues and the Redis keys beside them. One queue per environment, so one
 * worker with concurrency 1 runs one operation at a time there, in the order they were submitted.
 * Every key starts with the configured prefix (ripcord.yml redis.prefix; tests use a unique one).
 */

/** BullMQ queue names may not contain ":"; environment names never do (schema). */
export const operationQueueName = (environment: string) => `operations-${environment}`;

/** The Redis Stream holding one operation's progress events, final report last. */
export const eventStreamKey = (prefix: string, operationId: string) => `${prefix}:events:${operationId}`;

/** Operation IDs of an environment by submit time: what `ripcord watch` with no ID follows. */
export const operationIndexKey = (prefix: string, environment: string) => `${prefix}:operations:${environment}`;

/** Which executor (host, pid) serves an environment; kept alive by its heartbeat. */
export const executorClaimKey = (prefix: string, environment: string) => `${prefix}:executor:${environment}`;

/**
 * A rollback stops every app service except the one named in database.service. With database.url
 * alone and PostgreSQL running in the same compose project, the database would be stopped with the
 * app (and the restore would have nothing to restore into): warn before that day comes.
 */
import { composeTargetForEnvironment } from '../adapters/compose-project.js';
import { DockerodeRuntime } from '../adapters/dockerode-runtime.js';
import { ok, warn, type Check } from './check.js';

const LOOKS_LIKE_POSTGRES = /postgres|postgis|timescale|pgvector/i;
const DATABASE_NAMES = /^(db|database|postgres(ql)?|pg)$/i;

export const checkDatabaseService: Check = async ({ env }) => {
  const service = env.database.service;
  if (service) return ok('database service', `rollbacks keep compose service ${service} running`);
  const compose = await composeTargetForEnvironment(env);
  const containers = (await new DockerodeRuntime().serviceContainers(compose.project)).filter((c) => !c.oneOff);
  const suspect = containers.find((c) => LOOKS_LIKE_POSTGRES.test(c.imageName) || DATABASE_NAMES.test(c.service));
  if (!suspect) return ok('database service', 'no service of the compose project looks like the database: database.url points outside it');
  return warn('database service', `compose service ${suspect.service} (${suspect.imageName}) looks like the database, but database.service is not set: a rollback would stop it with the app`,
    `set database.service: ${suspect.service} (keep database.url to run the tools on the host)`);
};

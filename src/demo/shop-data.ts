/**
 * What the shop's database holds, in a form a person can compare at a glance: rows per table and
 * one checksum over the schema (columns and constraints) and every row of every table.
 * Equal checksums before a deploy and after its rollback mean the data came back exactly.
 */
import { createHash } from 'node:crypto';
import { DockerodeRuntime } from '../adapters/dockerode-runtime.js';
import { ExitCode, RipcordError } from '../domain/errors.js';
import { must } from './host-tools.js';

export interface DataFingerprint {
  rows: Record<string, number>;
  checksum: string;
}

// One statement: per table its row count and an md5 of its rows in a stable order, plus the schema.
const FINGERPRINT_SQL = `
select 'table', table_name,
  (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I', table_name), false, true, '')))[1]::text,
  (xpath('/row/m/text()', query_to_xml(format('select md5(coalesce(string_agg(t::text, chr(10) order by t::text), '''')) as m from %I t', table_name), false, true, '')))[1]::text
from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
union all
select 'schema', 'columns', count(*)::text, md5(string_agg(concat_ws(':', table_name, column_name, data_type, is_nullable, column_default), ',' order by table_name, column_name))
from information_schema.columns where table_schema = 'public'
union all
select 'schema', 'constraints', count(*)::text, md5(coalesce(string_agg(conname || pg_get_constraintdef(oid), ',' order by conname), ''))
from pg_constraint where connamespace = 'public'::regnamespace
order by 1, 2`;

export async function dataFingerprint(project: string, database = 'shop'): Promise<DataFingerprint> {
  const db = (await new DockerodeRuntime().serviceContainers(project)).find((c) => c.service === 'db' && !c.oneOff && c.state === 'running');
  if (!db) throw new RipcordError('unavailable', `the db service of ${project} is not running`, 'run `ripcord status` to see the services, or `ripcord demo --clean` and start again', ExitCode.failed);
  const out = await must(['docker', 'exec', db.id, 'psql', '-U', 'postgres', '-d', database, '-qAt', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', FINGERPRINT_SQL], '/', 60_000);
  const hash = createHash('sha256');
  const rows: Record<string, number> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    hash.update(`${line}\n`);
    const [kind, name, count] = line.split('\t');
    if (kind === 'table' && name && name !== 'schema_migrations') rows[name] = Number(count);
  }
  return { rows, checksum: hash.digest('hex').slice(0, 16) };
}

/**
 * Whether the rows written since a snapshot can be counted at all. The count compares each row's
 * transaction ID (xmin) with the snapshot's, which only means "written since" while the live
 * database is the very one the snapshot was taken of: a restore or a swap puts another database
 * under the same name, whose every row was written by the restore (all of them "newer"), and a
 * re-created server starts its transaction IDs — and often its database OIDs — again.
 */

/** Which database a snapshot was taken of: the server and the database's OID, recorded with it. */
export interface DatabaseIdentity {
  /** `pg_control_system().system_identifier`: set by initdb, the same for the life of a data directory. */
  system: string;
  /** `pg_database.oid`: a restore or a swap brings another database, with another OID, under the name. */
  oid: number;
}

/** The live database at the rollback: its identity and the server's next transaction ID. */
export interface LiveDatabase extends DatabaseIdentity {
  /** `pg_snapshot_xmax(pg_current_snapshot())`, a 64-bit transaction ID as text. */
  xmax: string;
}

/** `system|oid` as psql prints it; null when the line is not that. */
export function parseDatabaseIdentity(line: string): DatabaseIdentity | null {
  const m = /^(\d+)\|(\d+)$/.exec(line.trim());
  return m ? { system: m[1]!, oid: Number(m[2]) } : null;
}

/**
 * Why the rows written since `snapshot` (a `pg_current_snapshot()` text) cannot be counted in the
 * live database, or null when they can. `taken` is the identity recorded with the snapshot, absent
 * when an older Ripcord took it; `source` names the dump or clone that holds the snapshot.
 */
export function whyRowsCannotBeCounted(x: { taken: DatabaseIdentity | undefined; live: LiveDatabase | null; snapshot: string; source: string }): string | null {
  if (!x.taken) return `${x.source} does not record which database it was taken of (an older Ripcord made it)`;
  if (!x.live) return 'the live database could not be identified';
  if (x.taken.system !== x.live.system) return 'the PostgreSQL server is not the one the snapshot was taken on (its data directory was re-created or replaced)';
  if (x.taken.oid !== x.live.oid) return 'the live database is not the one the snapshot was taken of: a restore or a swap has replaced it since, so every row in it looks newly written';
  const snapshotXmax = /^\d+:(\d+):/.exec(x.snapshot)?.[1];
  if (!snapshotXmax) return `${x.source} records no usable snapshot`;
  if (BigInt(x.live.xmax) < BigInt(snapshotXmax)) return 'the server\'s transaction counter is behind the snapshot (the server was restored from a file-level backup)';
  return null;
}

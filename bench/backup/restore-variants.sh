#!/usr/bin/env bash
# Issue 4 experiments: where a staged restore's time goes, and what changing one thing at a time
# does to it, side by side with the old way in the same run. It runs the commands Ripcord's restore
# runs (CREATE DATABASE staging, pg_restore -j 2 --exit-on-error with synchronous_commit=off,
# rename swap, DROP DATABASE of the retired copy) from the shell, so each section is timed apart;
# bench/backup/run.ts is the end-to-end measurement of Ripcord itself.
#
#   flock /tmp/ripcord-heavy.lock bash bench/backup/restore-variants.sh RUNS VARIANT...
#
# Variants (names combine: "lz4-j1", "bfa-split"):
#   old       drop + create + `gunzip -c dump.sql.gz | psql` (timed in sections)
#   plain     Ripcord's restore as it is
#   lz4|pglz  + wal_compression for the restore sessions
#   ckpt      + a CHECKPOINT before the load (untimed), so the drop's checkpoint has less to flush
#   j1|j3     pg_restore -j 1 / -j 3 instead of -j 2
#   split     a timed CHECKPOINT after the swap, before the drop: the drop's share without it
#   bfa       + backend_flush_after=256kB: the load starts writeback itself
#   unlogged  pre-data, every table SET UNLOGGED, data, SET LOGGED, post-data
#   freeze    pgbench_accounts only: COPY vs BEGIN; CREATE; COPY … FREEZE; COMMIT, then the primary key
# Prints one line per run and variant (milliseconds) and the WAL each wrote. Drops every database
# it made and removes its dumps on exit.
set -euo pipefail
CONN=(-h 127.0.0.1 -p 5432 -U postgres)
export PGCONNECT_TIMEOUT=10
SCALE=${SCALE:-50}
DIR=$(mktemp -d /tmp/ripcord-restore-variants-XXXXXX)
DB=rc_variants_$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
S=${DB}__s; R=${DB}__o; X=${DB}__x

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
q() { psql -X "${CONN[@]}" -d "${2:-postgres}" -v ON_ERROR_STOP=1 -Atqc "$1"; }
drop() { q "drop database if exists \"$1\" with (force)" 2>/dev/null; }
cleanup() { for d in "$DB" "$S" "$R" "$X" "${DB}__f"; do drop "$d" || true; done; rm -rf "$DIR"; }
trap cleanup EXIT

setup() {
  q "create database $DB"
  pgbench "${CONN[@]}" -i -q -s "$SCALE" "$DB" >"$DIR/pgbench.log" 2>&1 || { cat "$DIR/pgbench.log" >&2; exit 1; }
  q "vacuum analyze" "$DB"
  pg_dump "${CONN[@]}" -Fc -Z 3 -f "$DIR/dump" "$DB"            # as Ripcord dumps (DUMP_COMPRESSION)
  pg_dump "${CONN[@]}" "$DB" | gzip > "$DIR/dump.sql.gz"          # as rollback.sh did
  q checkpoint
}

session() {
  local o="-c synchronous_commit=off"
  [[ $1 == *lz4* ]] && o+=" -c wal_compression=lz4"
  [[ $1 == *pglz* ]] && o+=" -c wal_compression=pglz"
  [[ $1 == *bfa* ]] && o+=" -c backend_flush_after=256kB"
  echo "$o"
}
jobs_of() { case $1 in *j1*) echo 1;; *j3*) echo 3;; *) echo 2;; esac; }
restore() { PGOPTIONS="$(session "$1")" pg_restore "${CONN[@]}" --exit-on-error -d "$S" "${@:2}" "$DIR/dump"; }

# Loads into UNLOGGED tables (no WAL), then SET LOGGED before the indexes are built.
load_unlogged() {
  restore "$1" --section=pre-data
  local tables a b c
  tables=$(q "select string_agg(c.oid::regclass::text, ' ') from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and c.relpersistence = 'p' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'" "$S")
  for t in $tables; do q "alter table $t set unlogged" "$S"; done
  a=$(now); restore "$1" -j "$(jobs_of "$1")" --section=data
  b=$(now); for t in $tables; do PGOPTIONS="$(session "$1")" q "alter table $t set logged" "$S"; done
  c=$(now); restore "$1" -j "$(jobs_of "$1")" --section=post-data
  echo -n "data=$(ms "$a" "$b") set_logged=$(ms "$b" "$c") post_data=$(ms "$c" "$(now)") "
}

ripcord() {
  local v=$1 t0 t1 t2 t3 t4
  [[ $v == *ckpt* ]] && q checkpoint
  t0=$(now); drop "$S"; q "create database \"$S\" template template0"
  t1=$(now)
  if [[ $v == *unlogged* ]]; then load_unlogged "$v"; else restore "$v" -j "$(jobs_of "$v")"; fi
  t2=$(now); drop "$R"
  q "alter database \"$DB\" allow_connections false"
  q "alter database \"$DB\" rename to \"$R\"; alter database \"$S\" rename to \"$DB\""
  t3=$(now)
  [[ $v == *split* ]] && { q checkpoint; echo -n "checkpoint=$(ms "$t3" "$(now)") "; }
  t4=$(now); drop "$R"
  echo "$v create=$(ms "$t0" "$t1") load=$(ms "$t1" "$t2") swap=$(ms "$t2" "$t3") drop=$(ms "$t4" "$(now)") until_swapped=$(ms "$t0" "$t3") total=$(ms "$t0" "$(now)")"
}

# As bench/backup: a full copy of the database is dropped, created empty and loaded.
old() {
  local t0 t1 t2
  q "create database \"$X\" template \"$DB\""
  t0=$(now); drop "$X"
  t1=$(now); q "create database \"$X\""
  t2=$(now); gunzip -c "$DIR/dump.sql.gz" | psql -X "${CONN[@]}" -q -v ON_ERROR_STOP=1 -d "$X" >/dev/null
  echo "old drop=$(ms "$t0" "$t1") create=$(ms "$t1" "$t2") load=$(ms "$t2" "$(now)") total=$(ms "$t0" "$(now)")"
  drop "$X"
}

freeze() {
  local F=${DB}__f ddl t0 t1 t2
  ddl="create table public.pgbench_accounts (aid integer not null, bid integer, abalance integer, filler character(84)) with (fillfactor='100')"
  [ -f "$DIR/accounts.sql" ] || pg_restore --data-only -t pgbench_accounts -f "$DIR/accounts.sql" "$DIR/dump"
  for how in copy freeze; do
    q "create database \"$F\" template template0"; q checkpoint
    t0=$(now)
    if [ $how = copy ]; then q "$ddl" "$F"; PGOPTIONS="$(session x)" psql -X "${CONN[@]}" -d "$F" -v ON_ERROR_STOP=1 -q -f "$DIR/accounts.sql" >/dev/null
    else { echo "begin; $ddl;"; sed '0,/ FROM stdin;$/s// FROM stdin WITH (FREEZE);/' "$DIR/accounts.sql"; echo "commit;"; } | PGOPTIONS="$(session x)" psql -X "${CONN[@]}" -d "$F" -v ON_ERROR_STOP=1 -q >/dev/null; fi
    t1=$(now); PGOPTIONS="$(session x)" q "alter table only public.pgbench_accounts add constraint pgbench_accounts_pkey primary key (aid)" "$F"
    t2=$(now); q checkpoint
    echo "freeze:$how copy=$(ms "$t0" "$t1") index=$(ms "$t1" "$t2") checkpoint=$(ms "$t2" "$(now)")"
    drop "$F"
  done
}

runs=$1; shift
setup
for i in $(seq "$runs"); do
  for v in "$@"; do
    w=$(q "select pg_current_wal_lsn()")
    case $v in old) old;; freeze) freeze;; *) ripcord "$v";; esac | sed "s/^/run $i: /"
    echo "        wal_bytes=$(q "select pg_current_wal_lsn() - '$w'::pg_lsn")"
  done
done

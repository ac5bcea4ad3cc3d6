#!/usr/bin/env bash
# Compares the Java form's write of one batch, as the engine sends it, on a one-column key and on a composite key:
# UPDATE ... FROM unnest(keys..., values) matched by the key's text (one column) or by one text array per key column
# (composite, as the engine binds it); and, for the record, the composite key's first form, which matched each column
# of the key's JSON array, CAST(key::jsonb ->> i AS type). Same rows, same 5,000 keys per batch, each statement run
# ROUNDS times in turn inside a rolled-back transaction; prints each form's median execution time from EXPLAIN
# ANALYZE.
#
#   ROWS=1000000 ROUNDS=7 benchmarks/composite-key-write.sh
#
# Needs psql and a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres) on which it may create
# the database $DB. Not run by CI.
set -euo pipefail

ROWS=${ROWS:-1000000}
ROUNDS=${ROUNDS:-7}
DB=${DB:-bench_composite_write}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -q -d "$DB" <<SQL
CREATE TABLE single (id bigint PRIMARY KEY, v text);
CREATE TABLE pair (tenant bigint NOT NULL, id bigint NOT NULL, v text, PRIMARY KEY (tenant, id));
INSERT INTO single SELECT g, NULL FROM generate_series(1, $ROWS) g;
INSERT INTO pair SELECT g % 50, g, NULL FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE single;
VACUUM ANALYZE pair;
SQL
# a batch of 5,000 keys from the middle of each table, as the Java form binds them (keys as text, values as text),
# built once beforehand so that only the write is timed
psql -q -d "$DB" <<SQL
CREATE TABLE single_batch AS SELECT array_agg(id::text ORDER BY id) AS k, array_agg('x' || id ORDER BY id) AS v
FROM (SELECT id FROM single WHERE id > $((ROWS / 2)) ORDER BY id LIMIT 5000) b;
CREATE TABLE pair_batch AS SELECT array_agg(CAST(json_build_array(tenant, id) AS text) ORDER BY tenant, id) AS k,
  array_agg(tenant::text ORDER BY tenant, id) AS k0, array_agg(id::text ORDER BY tenant, id) AS k1,
  array_agg('x' || id ORDER BY tenant, id) AS v
FROM (SELECT tenant, id FROM pair WHERE (tenant, id) > (25, 0) ORDER BY tenant, id LIMIT 5000) b;
SQL
SINGLE="UPDATE single SET v = backfill_v.backfill_c0::text FROM single_batch b, unnest(b.k, b.v)
  AS backfill_v(backfill_key, backfill_c0) WHERE single.id = backfill_v.backfill_key::bigint AND (single.v IS NULL)"
PAIR="UPDATE pair SET v = backfill_v.backfill_c0::text FROM pair_batch b, unnest(b.k0, b.k1, b.v)
  AS backfill_v(backfill_k0, backfill_k1, backfill_c0)
  WHERE pair.tenant = backfill_v.backfill_k0::bigint AND pair.id = backfill_v.backfill_k1::bigint AND (pair.v IS NULL)"
JSON="UPDATE pair SET v = backfill_v.backfill_c0::text FROM pair_batch b, unnest(b.k, b.v)
  AS backfill_v(backfill_key, backfill_c0)
  WHERE pair.tenant = CAST(CAST(backfill_v.backfill_key AS jsonb) ->> 0 AS bigint)
    AND pair.id = CAST(CAST(backfill_v.backfill_key AS jsonb) ->> 1 AS bigint) AND (pair.v IS NULL)"
time_of() {
	psql -d "$DB" -At -c "BEGIN; EXPLAIN (ANALYZE) $1; ROLLBACK;" | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p'
}
single=() pair=() json=()
for ((i = 0; i < ROUNDS; i++)); do
	single+=("$(time_of "$SINGLE")")
	pair+=("$(time_of "$PAIR")")
	json+=("$(time_of "$JSON")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
echo "one-column key:  ${single[*]} ms; median $(median "${single[@]}") ms"
echo "composite key:   ${pair[*]} ms; median $(median "${pair[@]}") ms"
echo "composite, JSON: ${json[*]} ms; median $(median "${json[@]}") ms"
psql -d "$DB" -At -c "EXPLAIN $PAIR" | grep -E "Join|Scan" | head -4
psql -q -d postgres -c "DROP DATABASE $DB"

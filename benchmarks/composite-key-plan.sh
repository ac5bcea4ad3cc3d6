#!/usr/bin/env bash
# Compares, on a table keyed by (tenant bigint, id uuid), the keyset probe a batch of a composite key runs, written as
# the engine writes it (a row-value comparison, (tenant, id) > (?, ?)) and as the expanded OR form
# (tenant > ? OR (tenant = ? AND id > ?)), from a bound 80% into the table. Prints each plan's scan, its filter or
# index condition, and its execution time, from EXPLAIN (ANALYZE, BUFFERS).
#
#   ROWS=1000000 benchmarks/composite-key-plan.sh
#
# Needs psql and a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres) on which it may create
# the database $DB. Not run by CI.
set -euo pipefail

ROWS=${ROWS:-1000000}
DB=${DB:-bench_composite}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -q -d "$DB" <<SQL
CREATE TABLE accounts (tenant bigint NOT NULL, id uuid NOT NULL, email text, PRIMARY KEY (tenant, id));
INSERT INTO accounts SELECT g % 50, md5(g::text)::uuid, 'user' || g FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE accounts;
SQL
for form in "row value|(tenant, id) > (40, '00000000-0000-0000-0000-000000000000')" \
		"expanded OR|(tenant > 40 OR (tenant = 40 AND id > '00000000-0000-0000-0000-000000000000'))"; do
	label=${form%%|*}
	where=${form#*|}
	echo "== $label: WHERE $where"
	psql -d "$DB" -At -c "EXPLAIN (ANALYZE, BUFFERS) SELECT tenant, id FROM accounts WHERE $where
		ORDER BY tenant, id OFFSET 4999 LIMIT 1" | grep -E "Scan|Index Cond|Filter|Rows Removed|Execution Time"
done
psql -q -d postgres -c "DROP DATABASE $DB"

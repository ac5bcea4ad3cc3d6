#!/usr/bin/env bash
# Production impact of a backfill: a pgbench custom script updating random `customers` rows (-c 4 -j 2) alone, then
# while `backfill run normalize-emails` runs with default settings, then while it runs capped at half the rate it
# reached uncapped. pgbench logs every transaction; TPS, p99 and the longest transaction are computed over the
# backfill's job execution (from its start to its end in BATCH_JOB_EXECUTION), and over the whole pgbench run for the
# baseline. The machine must run in UTC, as Spring Batch stores local times.
#
#   ./mvnw -B install -DskipTests && ROWS=2000000 benchmarks/production-impact.sh
#
# Needs psql, pgbench, python3 and a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres) on
# which it may create the database $DB. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-2000000}
DURATION=${DURATION:-30}
DB=${DB:-bench_impact}
JAR=${JAR:-sample-jobs/target/sample-jobs.jar}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
WORK=$(mktemp -d)
OUT=benchmarks/results/production-impact-$STAMP.csv
mkdir -p benchmarks/results

app() { java -Xmx256m -jar "$JAR" backfill "$@" --spring.datasource.url="$URL" --spring.datasource.username="$PGUSER"; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
app seed --rows="$ROWS" | tail -n 1
cat > "$WORK/traffic.sql" <<SQL
\set id random(1, $ROWS)
UPDATE customers SET full_name = full_name WHERE id = :id;
SQL

reset() {
  sql -c "UPDATE customers SET email_normalized = NULL WHERE email_normalized IS NOT NULL"
  sql -c "VACUUM (ANALYZE) customers" -c "CHECKPOINT"
}

# pgbench for $2 s in the background, each transaction logged to $WORK/$1.*
traffic() {
  (cd "$WORK" && pgbench -n -c 4 -j 2 -T "$2" -f traffic.sql --log --log-prefix="$1" "$DB" > "$1.out" 2>&1) &
  PGBENCH=$!
}

# window of the backfill: start and end epoch seconds
# pgbench runs longer than the backfill ($2 s), so that the whole run has traffic around it
with_backfill() {
  local variant=$1 seconds=$2; shift 2
  reset
  traffic "$variant" "$seconds"
  sleep 3
  app run normalize-emails "$@" > "$WORK/$variant.backfill"
  wait "$PGBENCH"
  tail -n 1 "$WORK/$variant.backfill" >&2
  # the job's own run, JVM and Spring Boot start left out (Spring Batch stores the JVM's local time: UTC here)
  sql -At -F ' ' -c "SELECT extract(epoch FROM START_TIME AT TIME ZONE current_setting('TimeZone')),
    extract(epoch FROM END_TIME AT TIME ZONE current_setting('TimeZone')) FROM BATCH_JOB_EXECUTION
    ORDER BY JOB_EXECUTION_ID DESC LIMIT 1" > "$WORK/$variant.window"
}

reset
traffic baseline "$DURATION"
wait "$PGBENCH"
echo "0 9999999999" > "$WORK/baseline.window"

with_backfill default "$DURATION"
# the summary line: "... 8.2 s wall time, 242,718 rows/s (run total ...)"
summary=$(grep 'completed' "$WORK/default.backfill")
rate=$(echo "$summary" | grep -o '[0-9,]* rows/s' | tr -d ', rows/s')
wall=$(echo "$summary" | grep -o '[0-9.]* s wall time' | cut -d' ' -f1)
cap=$((rate / 2))
with_backfill capped "$(python3 -c "print(int(2.5 * $wall) + 10)")" --backfill.throttle.max-rows-per-second="$cap"

python3 - "$WORK" "$OUT" "$cap" <<'PY'
import glob, sys, statistics
work, out, cap = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
for variant in ("baseline", "default", "capped"):
    start, end = map(float, open(f"{work}/{variant}.window").read().split())
    lat = []
    for f in glob.glob(f"{work}/{variant}.*"):
        if f.endswith((".window", ".out", ".backfill")):
            continue
        for line in open(f):
            p = line.split()
            done = int(p[4]) + int(p[5]) / 1e6
            if start <= done <= end:
                lat.append(int(p[2]) / 1000.0)
    times = []
    for f in glob.glob(f"{work}/{variant}.*"):
        if f.endswith((".window", ".out", ".backfill")):
            continue
        times += [int(l.split()[4]) + int(l.split()[5]) / 1e6 for l in open(f)]
    # the backfill's run, as far as pgbench ran around it; the whole pgbench run for the baseline
    start, end = max(start, min(times)), min(end, max(times))
    lat.sort()
    seconds = end - start
    p99 = lat[int(0.99 * (len(lat) - 1))]
    rows.append((variant, seconds, len(lat) / seconds, statistics.mean(lat), p99, lat[-1], sum(1 for x in lat if x >= 1000)))
with open(out, "w") as f:
    f.write("variant,window_s,tps,mean_ms,p99_ms,max_ms,waits_over_1s\n")
    for r in rows:
        f.write(",".join(str(round(x, 3)) if isinstance(x, float) else str(x) for x in r) + "\n")
base = rows[0]
print(f"| pgbench while | window s | TPS | vs baseline | mean ms | p99 ms | p99 vs baseline | longest ms | transactions ≥ 1 s |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    name = {"baseline": "nothing else", "default": "normalize-emails, defaults", "capped": f"normalize-emails, capped at {int(cap):,} rows/s"}[r[0]]
    print(f"| {name} | {r[1]:.1f} | {r[2]:,.0f} | {r[2] / base[2]:.2f} | {r[3]:.2f} | {r[4]:.1f} | {r[4] / base[4]:.2f} | {r[5]:.0f} | {r[6]} |")
PY
echo "results: $OUT"
for v in default capped; do echo "$v: $(tail -n 1 "$WORK/$v.backfill")"; done
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"

#!/usr/bin/env bash
# normalize-emails at the defaults on 50,000,000 customers (`backfill seed`), heap capped at 256 MB:
#  - the run is killed with kill -9 at 10% of the keys, resumed, killed again at 90%, and resumed to the end; for each
#    leg, the time from the JVM's launch to its first committed batch (polled in the batch log), and, from the job
#    repository and the batch log, from the job execution's start to the end of its first batch's work;
#  - `GET /actuator/backfills/normalize-emails` (an application started beside the run, as an operator's would be)
#    timed STATUS_CALLS times while the run goes on, and `backfill status` as a whole process once;
#  - the last leg's max RSS, and the batches' work time and keys at 1%, 50% and 99% of the run from the batch log.
#
#   ./mvnw -B -o -DskipTests package && benchmarks/scale-50m.sh
#
# ROWS (default 50000000) sizes the table. Needs about 5 GB for the table, curl, psql, /usr/bin/time and a PostgreSQL
# server (PGHOST/PGUSER, default 127.0.0.1 postgres) on which it may create the database $DB. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
DB=${DB:-bench_scale}
ROWS=${ROWS:-50000000}
STATUS_CALLS=${STATUS_CALLS:-10}
PORT=${PORT:-18080}
JAR=${JAR:-sample-jobs/target/sample-jobs.jar}
S=(--spring.datasource.url="jdbc:postgresql://$PGHOST:5432/$DB" --spring.datasource.username="$PGUSER")
OUT=benchmarks/results/scale-50m-$(date -u +%Y%m%dT%H%M%SZ).txt
mkdir -p benchmarks/results
exec > >(tee "$OUT") 2>&1
now() { date +%s.%N; }
sql() { psql -X -q -At -d "$DB" -c "$1"; }
committed() { sql "SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE OUTCOME = 'COMMITTED'" 2>/dev/null || echo 0; }
last_key() { sql "SELECT coalesce(max(TO_KEY::bigint), 0) FROM BACKFILL_BATCH_LOG WHERE OUTCOME = 'COMMITTED'" 2>/dev/null || echo 0; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
t=$(date +%s); java -Xmx256m -jar "$JAR" backfill seed --rows="$ROWS" "${S[@]}" | tail -1; echo "seed $(( $(date +%s)-t )) s"
t=$(date +%s); psql -X -q -d "$DB" -c "VACUUM (ANALYZE) customers" -c "CHECKPOINT"; echo "vacuum $(( $(date +%s)-t )) s"
echo "table and indexes: $(sql "SELECT pg_size_pretty(pg_total_relation_size('customers'))")"

# a leg of the run: launched, its first committed batch timed, then killed when the batch log's last key passes
# $1 (0: run to the end, under /usr/bin/time)
leg() {
  local until=$1 before launched first line pid
  before=$(committed)
  launched=$(now)
  if [ "$until" = 0 ]; then
    /usr/bin/time -f "maxrss_kb=%M elapsed=%e" -o /tmp/scale-time \
      java -Xmx256m -jar "$JAR" backfill run normalize-emails "${S[@]}" > /tmp/scale-run.log 2>&1 &
  else
    java -Xmx256m -jar "$JAR" backfill run normalize-emails "${S[@]}" > /tmp/scale-run.log 2>&1 &
  fi
  pid=$!
  while [ "$(committed)" -le "$before" ]; do sleep 0.05; done
  first=$(now)
  echo "leg from batch $before: first batch committed $(echo "$first - $launched" | bc) s after launch"
  if [ "$until" = 0 ]; then
    wait "$pid"
    tail -1 /tmp/scale-run.log
    cat /tmp/scale-time
  else
    while [ "$(last_key)" -lt "$until" ]; do sleep 0.2; done
    # the JVM itself, not /usr/bin/time or a shell
    kill -9 "$pid"
    wait "$pid" 2> /dev/null || true
    echo "killed at key $(last_key), batch $(committed)"
  fi
}

# an operator's application beside the run: status answered by its endpoint
java -Xmx256m -jar "$JAR" --server.port="$PORT" "${S[@]}" > /tmp/scale-server.log 2>&1 &
server=$!
trap 'kill $server 2> /dev/null || true' EXIT
until curl -sf "localhost:$PORT/actuator/health" > /dev/null; do sleep 0.5; done

leg $((ROWS / 10))
leg $((ROWS * 9 / 10)) &
second=$!
sleep 60
for ((i = 1; i <= STATUS_CALLS; i++)); do
  curl -s -o /tmp/scale-status.json -w "status (endpoint) %{time_total} s, HTTP %{http_code}\n" \
    "localhost:$PORT/actuator/backfills/normalize-emails"
  sleep 3
done
head -c 300 /tmp/scale-status.json; echo
s=$(now); java -jar "$JAR" backfill status normalize-emails "${S[@]}" > /tmp/scale-status.out 2>&1
echo "status (whole process, JVM start included) $(echo "$(now) - $s" | bc) s"; head -2 /tmp/scale-status.out
wait "$second"
leg 0

sql "WITH l AS (SELECT BATCH_NO, DURATION_MS, KEY_COUNT, ntile(100) OVER (ORDER BY BATCH_NO) AS pct
     FROM BACKFILL_BATCH_LOG WHERE OUTCOME = 'COMMITTED' AND BACKFILL_NAME = 'normalize-emails')
     SELECT 'pct ' || pct || ': ' || count(*) || ' batches, work ' || round(avg(DURATION_MS)) || ' ms, '
       || round(avg(KEY_COUNT)) || ' keys' FROM l WHERE pct IN (1, 50, 99) GROUP BY pct ORDER BY pct"
sql "SELECT 'execution ' || e.JOB_EXECUTION_ID || ' (' || e.STATUS || '): first batch ' || f.BATCH_NO || ' after key '
       || f.FROM_KEY || ', its work done ' || round(extract(epoch FROM f.STARTED_AT - e.START_TIME) * 1000 + f.DURATION_MS)
       || ' ms after the job started'
     FROM BATCH_JOB_EXECUTION e JOIN LATERAL (SELECT * FROM BACKFILL_BATCH_LOG l
       WHERE l.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID ORDER BY l.BATCH_NO LIMIT 1) f ON true ORDER BY e.JOB_EXECUTION_ID"
echo "batches: $(sql "SELECT count(*) || ' committed, numbered ' || min(BATCH_NO) || ' to ' || max(BATCH_NO) || ', '
     || sum(ROWS_AFFECTED) || ' rows' FROM BACKFILL_BATCH_LOG WHERE OUTCOME = 'COMMITTED'")"
echo "rows wrong: $(sql "SELECT count(*) FROM customers WHERE email_normalized IS DISTINCT FROM lower(trim(email))")"
echo "results: $OUT"

#!/usr/bin/env bash
# Times the takeover of a dead worker's partitions: enrich-customers (a Java backfill calling an HTTP service per
# row, benchmarks/EnrichService.java) split into PARTITIONS (4) partitions over RabbitMQ to WORKERS (3) worker JVMs of
# THREADS (2) threads each, so that the survivors have a free thread for each orphan; KILL_AFTER seconds after
# the run's first batch, the worker that walks the most partitions is killed with kill -9. For each of its partitions
# the script waits for the first batch committed after the kill, and reports the time from the kill to that batch's
# start and to its commit (STARTED_AT + DURATION_MS in BACKFILL_BATCH_LOG), and how the partition came back:
# the same step execution taken over (the broker redelivered its message to another worker) or a new execution of
# it (the run's process found its lock free on two polls and handed it out again; BATCH_STEP_EXECUTION). Which
# worker walks which partition is read from the partitions' lock sessions (application_name 'backfill
# NAME:partition:N' in pg_stat_activity, the client port mapped to its process by ss). Each run then ends and is
# checked (every row enriched, no key range committed twice) and rolled back for the next. Poll interval 2 s.
#
#   ./mvnw -B -o -DskipTests package && RUNS=3 benchmarks/partition-takeover.sh
#
# Needs psql, a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres) on which it may create
# the database $DB, a RabbitMQ broker (default amqp://guest:guest@127.0.0.1:5672), rabbitmqctl and ss. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-100000}
RUNS=${RUNS:-3}
PARTITIONS=${PARTITIONS:-4}
WORKERS=${WORKERS:-3}
THREADS=${THREADS:-2}
KILL_AFTER=${KILL_AFTER:-15}
BATCH=${BATCH:-500}
POLL=${POLL:-2s}
DELAY_MS=${DELAY_MS:-2}
# the impact budget off by default: it holds batches while the server's other work slows, and this server may be shared
MAX_IMPACT=${MAX_IMPACT:-0}
PORT=${PORT:-8099}
DB=${DB:-bench_takeover}
JAR=${JAR:-sample-jobs/target/sample-jobs.jar}
AMQP=${AMQP:-amqp://guest:guest@127.0.0.1:5672}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
QUEUE=bench.takeover.$STAMP
OUT=benchmarks/results/partition-takeover-$STAMP.csv
LOGS=/tmp/partition-takeover-$STAMP
mkdir -p benchmarks/results "$LOGS"

APP=(--spring.datasource.url="$URL" --spring.datasource.username="$PGUSER" --sample.enrich.enabled=true
  --sample.enrich.url="http://127.0.0.1:$PORT/enrich?id=" --spring.rabbitmq.addresses="$AMQP"
  --backfill.throttle.max-impact="$MAX_IMPACT" --logging.level.dev.backfill.engine.ThrottleGate=INFO
  --backfill.remote.queue="$QUEUE" --backfill.remote.poll-interval="$POLL")
# started in the background only: exec makes $! the JVM itself, so that kill reaches it
app() { exec java -Xmx256m -jar "$JAR" backfill "$@" "${APP[@]}"; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
now() { date +%s.%N; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  rabbitmqctl -q delete_queue "$QUEUE" > /dev/null 2>&1 || true
}
trap cleanup EXIT

java -Xmx64m -Dsun.net.httpserver.nodelay=true benchmarks/EnrichService.java "$PORT" "$DELAY_MS" \
  > "$LOGS/service.log" 2>&1 &
pids+=($!)
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
java -Xmx256m -jar "$JAR" backfill seed --rows="$ROWS" --spring.datasource.url="$URL" \
  --spring.datasource.username="$PGUSER" | tail -n 1
sql -c "ALTER TABLE customers ADD COLUMN enrichment text" -c "VACUUM (ANALYZE) customers"
until curl -sf "http://127.0.0.1:$PORT/enrich?id=1" > /dev/null; do sleep 0.2; done

consumers() {
  rabbitmqctl -q list_queues name consumers 2> /dev/null | awk -v q="$QUEUE" '$1 == q { print $2 }'
}

# the process walking each partition now: "partition pid" lines
walkers() {
  sql -At -F ' ' -c "SELECT substring(application_name from ':partition:([0-9]+)$'), client_port FROM pg_stat_activity
    WHERE datname = current_database() AND application_name LIKE 'backfill enrich-customers:partition:%'" |
    while read -r partition port; do
      pid=$(ss -Htnp "( sport = :$port )" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
      echo "$partition $pid"
    done | sort -u
}

echo "run,partition,killed_worker_partitions,seconds_to_next_batch_start,seconds_to_next_batch_commit,taken_over_as,step_executions,requests_over_rows" > "$OUT"
threads=$THREADS
for ((r = 1; r <= RUNS; r++)); do
  workers=()
  for ((k = 1; k <= WORKERS; k++)); do
    app worker --backfill.remote.worker-threads="$threads" --backfill.batch-size="$BATCH" > "$LOGS/worker-$r-$k.log" 2>&1 &
    workers+=($!)
    pids+=($!)
  done
  for ((s = 0; s < 180; s++)); do [ "$(consumers)" = "$((WORKERS * threads))" ] && break; sleep 1; done
  base=$(sql -At -c "SELECT coalesce(max(JOB_EXECUTION_ID), 0) FROM BATCH_JOB_EXECUTION")
  served0=$(curl -sf "http://127.0.0.1:$PORT/served")
  app run enrich-customers --remote --parallelism="$PARTITIONS" --batch-size="$BATCH" > "$LOGS/run-$r.log" 2>&1 &
  run=$!
  pids+=($run)
  # KILL_AFTER seconds after the first batch, with every partition walked
  until [ "$(sql -At -c "SELECT coalesce(extract(epoch FROM now() - min(STARTED_AT)), 0)::int >= $KILL_AFTER
      AND count(DISTINCT PARTITION_NO) = $PARTITIONS FROM BACKFILL_BATCH_LOG WHERE JOB_EXECUTION_ID > $base")" = t ]; do
    sleep 0.5
  done
  walkers > "$LOGS/walkers-$r.txt"
  victim=$(awk '{ print $2 }' "$LOGS/walkers-$r.txt" | sort | uniq -c | sort -rn | head -n 1 | awk '{ print $2 }')
  orphans=$(awk -v v="$victim" '$2 == v { print $1 }' "$LOGS/walkers-$r.txt" | sort -n | tr '\n' ' ')
  kill -9 "$victim"
  killed=$(now)
  echo "run $r: killed worker pid $victim at $(date -u -d "@$killed" +%T.%N | cut -c1-12) UTC, walking partitions $orphans(of $(sort -n "$LOGS/walkers-$r.txt" | tr '\n' ',' ))"
  wait "$run" || true
  served=$(($(curl -sf "http://127.0.0.1:$PORT/served") - served0))
  job=$(sql -At -c "SELECT max(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION")
  tail -n 1 "$LOGS/run-$r.log"
  wrong=$(sql -At -c "SELECT count(*) FROM customers WHERE enrichment IS DISTINCT FROM 'enriched-' || id")
  twice=$(sql -At -c "SELECT count(*) FROM (SELECT 1 FROM BACKFILL_BATCH_LOG WHERE JOB_EXECUTION_ID = $job
    AND OUTCOME = 'COMMITTED' GROUP BY PARTITION_NO, FROM_KEY HAVING count(*) > 1) twice")
  echo "  rows wrong or missing: $wrong; key ranges committed twice: $twice; service requests $served for $ROWS rows"
  for p in $orphans; do
    read -r start commit < <(sql -At -F ' ' -c "SELECT
        round((extract(epoch FROM min(STARTED_AT)) - $killed)::numeric, 2),
        round((extract(epoch FROM min(STARTED_AT + DURATION_MS * interval '1 ms')) - $killed)::numeric, 2)
      FROM BACKFILL_BATCH_LOG WHERE JOB_EXECUTION_ID = $job AND PARTITION_NO = $p AND OUTCOME = 'COMMITTED'
        AND STARTED_AT > to_timestamp($killed)")
    # the partition's step executions, in order: one for a takeover of the same execution, two for a new one
    steps=$(sql -At -c "SELECT string_agg(STEP_EXECUTION_ID || ':' || STATUS, ' ' ORDER BY STEP_EXECUTION_ID)
      FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = $job AND STEP_NAME = 'partition:p' || lpad('$p', 4, '0')")
    case $steps in *' '*) how=new-execution ;; *) how=same-execution ;; esac
    echo "  partition $p: next batch started $start s after the kill, committed $commit s after it ($how: $steps)"
    echo "$r,$p,$(echo "$orphans" | wc -w),$start,$commit,$how,$steps,$served/$ROWS" >> "$OUT"
  done
  [ "$wrong" = 0 ] && [ "$twice" = 0 ] || { echo "run $r left wrong rows or twice-committed ranges" >&2; exit 1; }
  grep -hE 'WARN|holds|goes on after' "$LOGS/run-$r.log" "$LOGS"/worker-$r-*.log | cut -c 1-220 | sed -E 's/^[0-9T:.Z-]+ +//' || true
  for pid in "${workers[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${workers[@]}"; do wait "$pid" 2> /dev/null || true; done
  java -Xmx256m -jar "$JAR" backfill rollback enrich-customers "${APP[@]}" > "$LOGS/rollback-$r.log" 2>&1
  sql -c "VACUUM customers"
done

echo
echo "results: $OUT, logs: $LOGS"
python3 - "$OUT" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| run | partition | next batch started (s after kill) | committed (s after kill) | taken over as |")
print("| --- | --- | --- | --- | --- |")
for r in rows:
    print(f"| {r['run']} | {r['partition']} | {r['seconds_to_next_batch_start']} | {r['seconds_to_next_batch_commit']} "
          f"| {r['taken_over_as']} |")
commits = [float(r['seconds_to_next_batch_commit']) for r in rows]
print(f"kill to first committed batch: median {statistics.median(commits):.2f} s, max {max(commits):.2f} s "
      f"(target < 2 x poll interval = 4 s)")
PY
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"

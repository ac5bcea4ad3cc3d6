#!/usr/bin/env bash
# Measures enrich-customers, a Java backfill whose processor calls an HTTP service once per row (the service answers
# after DELAY_MS, 2 ms by default, on a thread per request: benchmarks/EnrichService.java), split into N partitions
# handed over RabbitMQ to W worker JVMs ('backfill worker', ceil(N/W) threads each, so that every partition runs at
# once), the run's process started with 'backfill run enrich-customers --remote --parallelism=N --batch-size=1000'
# (about 2 s a batch at 2 ms a row; the default 5,000 keys make 10 s batches). One combination
# after the other (COMBOS, N:W), each from the same state. Rows/s are counted from the run's batch log: its rows
# over its first batch's start to its last batch's commit. A run that has not ended CAP seconds after its first
# batch is stopped ('backfill stop'; it takes a JVM start to arrive), so that the slow combinations take about a
# minute each; every run is then rolled back ('backfill rollback', which also resets the column for the next).
# load-sampler.py samples the CPU of every JVM, of the database's backends and of the machine while each runs.
#
#   ./mvnw -B -o -DskipTests package && benchmarks/parallel-latency.sh
#
# Needs psql, a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres) on which it may create
# the database $DB, a RabbitMQ broker (AMQP, default amqp://guest:guest@127.0.0.1:5672) and rabbitmqctl on this
# machine (to wait for the workers' consumers and delete the benchmark's queue). Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-200000}
COMBOS=${COMBOS:-1:1 2:1 2:2 4:1 4:2 4:4 8:1 8:2 8:4}
CAP=${CAP:-60}
BATCH=${BATCH:-1000}
DELAY_MS=${DELAY_MS:-2}
# the impact budget off by default: it holds batches while the server's other work slows, and this server may be shared
MAX_IMPACT=${MAX_IMPACT:-0}
PORT=${PORT:-8099}
DB=${DB:-bench_parallel_latency}
JAR=${JAR:-sample-jobs/target/sample-jobs.jar}
AMQP=${AMQP:-amqp://guest:guest@127.0.0.1:5672}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
QUEUE=bench.partitions.$STAMP
OUT=benchmarks/results/parallel-latency-$STAMP.csv
LOAD=benchmarks/results/parallel-latency-$STAMP.load.txt
LOGS=/tmp/parallel-latency-$STAMP
mkdir -p benchmarks/results "$LOGS"
SAMPLER=benchmarks/load-sampler.py

APP=(--spring.datasource.url="$URL" --spring.datasource.username="$PGUSER" --sample.enrich.enabled=true
  --sample.enrich.url="http://127.0.0.1:$PORT/enrich?id=" --spring.rabbitmq.addresses="$AMQP"
  --backfill.throttle.max-impact="$MAX_IMPACT" --logging.level.dev.backfill.engine.ThrottleGate=INFO
  --backfill.remote.queue="$QUEUE" --backfill.remote.poll-interval=2s)
# started in the background only: exec makes $! the JVM itself, so that kill reaches it
app() { exec java -Xmx256m -Dbackfill.bench="$1" -jar "$JAR" backfill "${@:2}" "${APP[@]}"; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
now() { date +%s.%N; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  rabbitmqctl -q delete_queue "$QUEUE" > /dev/null 2>&1 || true
}
trap cleanup EXIT

java -Xmx64m -Dbackfill.bench=service -Dsun.net.httpserver.nodelay=true benchmarks/EnrichService.java "$PORT" "$DELAY_MS" > "$LOGS/service.log" 2>&1 &
pids+=($!)
service=$!
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
java -Xmx256m -jar "$JAR" backfill seed --rows="$ROWS" --spring.datasource.url="$URL" \
  --spring.datasource.username="$PGUSER" | tail -n 1
# the migration that adds the new shape, before its backfill
sql -c "ALTER TABLE customers ADD COLUMN enrichment text" -c "VACUUM (ANALYZE) customers"
until curl -sf "http://127.0.0.1:$PORT/enrich?id=1" > /dev/null; do sleep 0.2; done

consumers() {
  rabbitmqctl -q list_queues name consumers 2> /dev/null | awk -v q="$QUEUE" '$1 == q { print $2 }'
}

echo "partitions,workers,threads_per_worker,state,rows,log_seconds,log_rows_per_second,run_line_rows_per_second,batches,service_requests" > "$OUT"
: > "$LOAD"
for combo in $COMBOS; do
  n=${combo%%:*} w=${combo##*:}
  threads=$(((n + w - 1) / w))
  workers=()
  for ((k = 1; k <= w; k++)); do
    app "worker$k" worker --backfill.remote.worker-threads="$threads" --backfill.batch-size="$BATCH" > "$LOGS/worker-$n-$w-$k.log" 2>&1 &
    workers+=($!)
    pids+=($!)
  done
  for ((wait_s = 0; wait_s < 180; wait_s++)); do [ "$(consumers)" = "$((w * threads))" ] && break; sleep 1; done
  [ "$(consumers)" = "$((w * threads))" ] || { echo "workers of $n:$w did not all consume, see $LOGS" >&2; exit 1; }
  base=$(sql -At -c "SELECT coalesce(max(JOB_EXECUTION_ID), 0) FROM BATCH_JOB_EXECUTION")
  served0=$(curl -sf "http://127.0.0.1:$PORT/served")
  "$SAMPLER" record "$LOGS/load-$n-$w.jsonl" "$DB" 0.5 &
  sampler=$!
  app run run enrich-customers --remote --parallelism="$n" --batch-size="$BATCH" > "$LOGS/run-$n-$w.log" 2>&1 &
  run=$!
  # stop the run CAP seconds after its first batch, unless it ended before
  stopper=""
  while kill -0 "$run" 2> /dev/null; do
    age=$(sql -At -c "SELECT coalesce(extract(epoch FROM now() - min(STARTED_AT)), 0)::int FROM BACKFILL_BATCH_LOG
      WHERE JOB_EXECUTION_ID > $base")
    if [ -z "$stopper" ] && [ "$age" -ge "$CAP" ]; then
      app stop stop enrich-customers > "$LOGS/stop-$n-$w.log" 2>&1 &
      stopper=$!
    fi
    sleep 1
  done
  wait "$run" || true
  [ -z "$stopper" ] || wait "$stopper" || true
  kill "$sampler"; wait "$sampler" 2> /dev/null || true
  served=$(($(curl -sf "http://127.0.0.1:$PORT/served") - served0))
  line=$(grep -E 'enrich-customers (completed|stopped)' "$LOGS/run-$n-$w.log" | head -n 1 || true)
  state=$(echo "$line" | awk '{ print $2 }' | tr -d ':')
  rate=$(echo "$line" | grep -o '[0-9,]* rows/s' | tr -d ', rows/')
  read -r rows window f0 f1 batches < <(sql -At -F ' ' -c "
    SELECT sum(ROWS_AFFECTED), extract(epoch FROM max(STARTED_AT + DURATION_MS * interval '1 ms') - min(STARTED_AT)),
           extract(epoch FROM min(STARTED_AT)), extract(epoch FROM max(STARTED_AT + DURATION_MS * interval '1 ms')),
           count(*)
    FROM BACKFILL_BATCH_LOG WHERE OUTCOME = 'COMMITTED' AND JOB_EXECUTION_ID > $base")
  log_rate=$(echo "$rows / $window" | bc)
  echo "$n,$w,$threads,$state,$rows,$window,$log_rate,$rate,$batches,$served" | tee -a "$OUT"
  {
    echo "$n partitions over $w workers ($threads threads each): $state, $rows rows, $log_rate rows/s over ${window} s"
    "$SAMPLER" summary "$LOGS/load-$n-$w.jsonl" "$f0" "$f1"
    cat "$LOGS"/worker-$n-$w-*.log | grep -o 'goes on after [0-9]* ms' \
      | awk '{ n++; s += $4 } END { print "  throttle holds: " n + 0 ", " s + 0 " ms held in all" }' || true
    cat "$LOGS"/worker-$n-$w-*.log "$LOGS/run-$n-$w.log" | grep -E 'WARN|ERROR|holds|goes on after' | cut -c 1-200 | sed -E 's/^[0-9T:.Z-]+ +//' \
      | sort | uniq -c | sort -rn | head -5 || true
  } | tee -a "$LOAD"
  for pid in "${workers[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${workers[@]}"; do wait "$pid" 2> /dev/null || true; done
  # ends the run and resets the column for the next combination
  java -Xmx256m -jar "$JAR" backfill rollback enrich-customers "${APP[@]}" > "$LOGS/rollback-$n-$w.log" 2>&1 \
    || { echo "rollback after $n:$w failed, see $LOGS/rollback-$n-$w.log" >&2; exit 1; }
  left=$(sql -At -c "SELECT count(*) FROM customers WHERE enrichment IS NOT NULL")
  [ "$left" = 0 ] || { echo "rollback after $n:$w left $left rows" >&2; exit 1; }
  sql -c "VACUUM customers"
done

echo
echo "results: $OUT, load: $LOAD, logs: $LOGS"
python3 - "$OUT" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
base = next(float(r['log_rows_per_second']) for r in rows if r['partitions'] == '1')
print("| partitions | workers | threads each | rows | ended | rows/s | vs 1 partition | vs N (ideal N x) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    n, rate = int(r['partitions']), float(r['log_rows_per_second'])
    print(f"| {n} | {r['workers']} | {r['threads_per_worker']} | {int(r['rows']):,} | {r['state']} | {rate:,.0f} "
          f"| {rate / base:.2f} | {rate / base / n:.2f} |")
PY
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"

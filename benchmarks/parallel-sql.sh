#!/usr/bin/env bash
# Measures normalize-emails (the SQL form, one set-based UPDATE per 10,000-key batch) split into partitions walked
# side by side in threads of one JVM (--parallelism=N), N = 1, 2 and 4 by default, in interleaved rounds (the order
# rotates each round). Every run starts from the same state: the column reset to NULL, VACUUM (ANALYZE),
# CHECKPOINT. Rows/s are counted from the run's batch log (its rows over its first batch's start to its last
# batch's commit), beside the run's own summary line; while each run goes, load-sampler.py samples the CPU of the
# JVM, of the database's backends and of the machine, and what the backends wait on, to say what limits it.
#
#   ./mvnw -B -o -DskipTests package && ROWS=5000000 ROUNDS=2 benchmarks/parallel-sql.sh
#
# PARALLELISMS picks the partition counts (default "1 2 4"); ARGS adds options to every run, such as
# ARGS=--backfill.throttle.max-impact=0 for the impact budget off. Throttle holds are logged (ThrottleGate at INFO)
# and counted in the load file.
# Needs psql and a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres) on which it may create
# the database $DB. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-5000000}
ROUNDS=${ROUNDS:-2}
BATCH=${BATCH:-10000}
PARALLELISMS=${PARALLELISMS:-1 2 4}
ARGS=${ARGS:-}
DB=${DB:-bench_parallel_sql}
JAR=${JAR:-sample-jobs/target/sample-jobs.jar}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=benchmarks/results/parallel-sql-$STAMP.csv
LOAD=benchmarks/results/parallel-sql-$STAMP.load.txt
mkdir -p benchmarks/results
SAMPLER=benchmarks/load-sampler.py

SPRING=(--spring.datasource.url="$URL" --spring.datasource.username="$PGUSER")
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
now() { date +%s.%N; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
start=$(now)
java -Xmx256m -jar "$JAR" backfill seed --rows="$ROWS" "${SPRING[@]}" | tail -n 1
echo "seed of $ROWS rows: $(echo "$(now) - $start" | bc) s (JVM start included)"

reset() {
  sql -c "UPDATE customers SET email_normalized = NULL WHERE email_normalized IS NOT NULL"
  sql -c "VACUUM (ANALYZE) customers" -c "CHECKPOINT"
}

check() {
  local wrong
  wrong=$(sql -At -c "SELECT count(*) FROM customers WHERE email_normalized IS DISTINCT FROM lower(trim(email))")
  [ "$wrong" = 0 ] || { echo "parallelism $1 left $wrong wrong rows" >&2; exit 1; }
}

echo "round,parallelism,rows,process_seconds,run_line_rows_per_second,log_rows,log_seconds,log_rows_per_second,wal_mb,batches" > "$OUT"
: > "$LOAD"
read -r -a ps <<< "$PARALLELISMS"
for ((round = 1; round <= ROUNDS; round++)); do
  for ((i = 0; i < ${#ps[@]}; i++)); do
    p=${ps[$(((i + round - 1) % ${#ps[@]}))]}   # rotate the order across rounds
    reset
    wal0=$(sql -At -c "SELECT pg_current_wal_lsn()")
    "$SAMPLER" record /tmp/parallel-sql-load.jsonl "$DB" 0.5 &
    sampler=$!
    start=$(now)
    # shellcheck disable=SC2086
    java -Xmx256m -Dbackfill.bench=run -jar "$JAR" backfill run normalize-emails --batch-size="$BATCH" \
      --parallelism="$p" --logging.level.dev.backfill.engine.ThrottleGate=INFO $ARGS "${SPRING[@]}" > /tmp/parallel-sql-run 2>&1
    seconds=$(echo "$(now) - $start" | bc)
    kill "$sampler"; wait "$sampler" || true
    wal=$(sql -At -c "SELECT round((pg_current_wal_lsn() - '$wal0') / 1048576.0)")
    check "$p"
    line=$(grep 'normalize-emails completed' /tmp/parallel-sql-run)
    rate=$(echo "$line" | grep -o '[0-9,]* rows/s' | tr -d ', rows/')
    # the run's batches: its rows, from its first batch's start to its last batch's commit
    read -r rows window t0 t1 batches < <(sql -At -F ' ' -c "
      SELECT sum(ROWS_AFFECTED), extract(epoch FROM max(STARTED_AT + DURATION_MS * interval '1 ms') - min(STARTED_AT)),
             extract(epoch FROM min(STARTED_AT)), extract(epoch FROM max(STARTED_AT + DURATION_MS * interval '1 ms')),
             count(*)
      FROM BACKFILL_BATCH_LOG WHERE OUTCOME = 'COMMITTED' AND JOB_EXECUTION_ID =
        (SELECT max(JOB_EXECUTION_ID) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'normalize-emails')")
    log_rate=$(echo "$rows / $window" | bc)
    echo "$round,$p,$ROWS,$seconds,$rate,$rows,$window,$log_rate,$wal,$batches" | tee -a "$OUT"
    echo "  $line"
    {
      echo "round $round, parallelism $p: $log_rate rows/s over ${window} s, WAL $wal MB"
      "$SAMPLER" summary /tmp/parallel-sql-load.jsonl "$t0" "$t1"
      grep -o 'goes on after [0-9]* ms' /tmp/parallel-sql-run \
        | awk '{ n++; s += $4 } END { print "  throttle holds: " n + 0 ", " s + 0 " ms held in all" }' || true
      grep -E 'WARN|goes on after' /tmp/parallel-sql-run | cut -c1-240 | sort | uniq -c | sort -rn | head -5 || true
    } | tee -a "$LOAD"
  done
done

echo
echo "results: $OUT, load: $LOAD"
python3 - "$OUT" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ps = sorted({int(r['parallelism']) for r in rows})
rounds = sorted({int(r['round']) for r in rows})
rate = {(int(r['round']), int(r['parallelism'])): float(r['log_rows_per_second']) for r in rows}
line = {(int(r['round']), int(r['parallelism'])): float(r['run_line_rows_per_second']) for r in rows}
print("| round | " + " | ".join(f"parallelism {p}: rows/s (vs 1)" for p in ps) + " |")
print("| --- |" + " --- |" * len(ps))
for r in rounds:
    base = rate.get((r, 1))
    cells = [f"{rate[(r, p)]:,.0f} ({rate[(r, p)] / base:.2f})" if base and (r, p) in rate else "" for p in ps]
    print(f"| {r} | " + " | ".join(cells) + " |")
med = {p: statistics.median(rate[(r, p)] for r in rounds if (r, p) in rate) for p in ps}
medline = {p: statistics.median(line[(r, p)] for r in rounds if (r, p) in line) for p in ps}
print("| median | " + " | ".join(f"{med[p]:,.0f} ({med[p] / med[1]:.2f})" for p in ps) + " |")
print("| median, run's own line | " + " | ".join(f"{medline[p]:,.0f} ({medline[p] / medline[1]:.2f})" for p in ps) + " |")
PY
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"

#!/usr/bin/env bash
# Measures how well `backfill dry-run` predicts the real run: for each backfill and batch size, a fresh table of
# $ROWS rows (seeded, VACUUM ANALYZE, CHECKPOINT), then the dry-run, then the real run right after it. Records the
# prediction, the run's job wall time (`backfill status --json` runSeconds, JVM start excluded, as the estimate) and
# the dry-run's own time against it.
#
#   ./mvnw -B install -DskipTests && ROWS=5000000 ROUNDS=2 benchmarks/dry-run-accuracy.sh
#
# A case is backfill:batch-size, or backfill:adaptive for the default adaptive batch sizes (no --batch-size):
#
#   CASES="normalize-emails:adaptive split-names:adaptive" ROWS=5000000 ROUNDS=3 benchmarks/dry-run-accuracy.sh
#
# A third part picks the table's shape: uniform (the default, as seeded) or skewed, where the pending rows and the
# row widths are not uniform over the key range: the first 70% of the keys already done (email_normalized set), and
# a band of wide rows (emails 500 characters longer) from 85% to 90% of the keys:
#
#   CASES="normalize-emails:adaptive:uniform normalize-emails:adaptive:skewed" ROWS=5000000 ROUNDS=3 \
#     benchmarks/dry-run-accuracy.sh
#
# Needs psql, jq and a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres) on which it may
# create the database $DB. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-5000000}
ROUNDS=${ROUNDS:-2}
DB=${DB:-bench_dry_run}
JAR=${JAR:-sample-jobs/target/sample-jobs.jar}
# a second jar whose dry-run estimates the same run, before JAR's, side by side
JAR_BEFORE=${JAR_BEFORE:-}
CASES=${CASES:-"normalize-emails:1000 normalize-emails:10000 split-names:1000 split-names:5000"}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
OUT=benchmarks/results/dry-run-accuracy-$(date -u +%Y%m%dT%H%M%SZ).csv
mkdir -p benchmarks/results

app() { app_jar "$JAR" "$@"; }
app_jar() {
  local jar=$1
  shift
  java ${JAVA_OPTS:-} -Xmx256m -jar "$jar" backfill "$@" --spring.datasource.url="$URL" --spring.datasource.username="$PGUSER"
}
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

echo "round,shape,backfill,batch_size,rows,sampled_batches,estimated_s,low_s,high_s,actual_s,error,dry_run_s,dry_run_share,max_batch_ms,wal_estimate_mb,wal_actual_mb,idempotent,sample_dead_tuples,sample_wal_mb,estimated_before_s,error_before,wal_estimate_before_mb" > "$OUT"
for ((round = 1; round <= ROUNDS; round++)); do
  for case in $CASES; do
    IFS=: read -r backfill batch shape <<< "$case"
    shape=${shape:-uniform}
    size=(--batch-size="$batch")
    [ "$batch" = adaptive ] && size=()
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
    app seed --rows="$ROWS" > /dev/null
    if [ "$shape" = skewed ]; then
      sql -c "UPDATE customers SET email_normalized = lower(trim(email)) WHERE id <= $ROWS * 7 / 10" \
        -c "UPDATE customers SET email = repeat('x', 500) || email WHERE id > $ROWS * 85 / 100 AND id <= $ROWS * 9 / 10"
    fi
    sql -c "VACUUM (ANALYZE) customers" -c "CHECKPOINT"
    echo '{}' > /tmp/backfill-dry-run-before.json
    if [ -n "$JAR_BEFORE" ]; then
      app_jar "$JAR_BEFORE" dry-run "$backfill" "${size[@]}" --json > /tmp/backfill-dry-run-before.json
    fi
    app dry-run "$backfill" "${size[@]}" --json > /tmp/backfill-dry-run.json
    wal_before=$(sql -At -c "SELECT pg_current_wal_lsn()")
    app run "$backfill" "${size[@]}" > /dev/null
    wal_actual=$(sql -At -c "SELECT round(pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal_before') / 1048576.0, 1)")
    app status "$backfill" --json > /tmp/backfill-status.json
    jq -r --arg round "$round" --arg shape "$shape" --arg wal "$wal_actual" -s '.[0] as $d | .[1] as $s | .[2] as $b |
      [$round, $shape, $d.name, $d.batchSize, $d.rowsEstimate, $d.sampledBatches, $d.estimatedSeconds,
       $d.estimatedSecondsLow, $d.estimatedSecondsHigh, $s.runSeconds, $s.lastDryRun.estimateError, $d.elapsedSeconds,
       (($d.elapsedSeconds / $s.runSeconds * 1000 | round) / 1000), $d.maxBatchMillis,
       (($d.walBytesEstimate / 104857.6 | round) / 10), $wal, $d.idempotent, $d.sampleRows,
       (($d.sampleWalBytes / 104857.6 | round) / 10),
       ($b.estimatedSeconds // ""),
       (if $b.estimatedSeconds then (($b.estimatedSeconds / $s.runSeconds - 1) * 1000 | round) / 1000 else "" end),
       (if $b.walBytesEstimate then (($b.walBytesEstimate / 104857.6 | round) / 10) else "" end)] | @csv' \
      /tmp/backfill-dry-run.json /tmp/backfill-status.json /tmp/backfill-dry-run-before.json | tr -d '"' | tee -a "$OUT"
  done
done

echo
echo "results: $OUT"
python3 - "$OUT" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
before = any(r['estimated_before_s'] for r in rows)
print("| shape | backfill | batch size | samples | estimated s (range) | actual s | error | dry-run s (share of run) | WAL est. / actual MB |"
      + (" JAR_BEFORE: estimated s, error, WAL MB |" if before else ""))
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |" + (" --- |" if before else ""))
for r in rows:
    line = (f"| {r['shape']} | {r['backfill']} | {int(r['batch_size']):,} | {r['sampled_batches']} | {float(r['estimated_s']):.1f} "
            f"({float(r['low_s']):.1f}–{float(r['high_s']):.1f}) | {float(r['actual_s']):.1f} | {100 * float(r['error']):+.0f}% "
            f"| {float(r['dry_run_s']):.2f} ({100 * float(r['dry_run_share']):.1f}%) | {r['wal_estimate_mb']} / {r['wal_actual_mb']} |")
    if before:
        line += (f" {float(r['estimated_before_s']):.1f}, {100 * float(r['error_before']):+.0f}%, {r['wal_estimate_before_mb']} |"
                 if r['estimated_before_s'] else " |")
    print(line)
PY
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"

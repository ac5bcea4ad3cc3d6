#!/usr/bin/env bash
# Measures normalize-emails (the framework, batch size 10,000, heap capped at 256 MB) against the same UPDATE as
# a plain psql keyset loop (one transaction per 10,000-key range) and as one single UPDATE, side by side in one run.
# Every variant starts from the same state: the column reset to NULL, VACUUM (ANALYZE), CHECKPOINT.
#
#   ./mvnw -B clean install -DskipTests && ROWS=5000000 ROUNDS=3 benchmarks/normalize-emails.sh
#
# VARIANTS picks and orders the variants (default "single psql_keyset framework"); framework_defaults runs the
# framework as users run it, without --batch-size (batches adapt to the target duration), against the same loop;
# framework_no_budget runs the framework with the impact budget off (--backfill.throttle.max-impact=0);
# framework_before runs the jar named by
# JAR_BEFORE (an earlier build of the sample app), to compare two versions side by side in one run:
#
#   git worktree add /tmp/before <commit> && (cd /tmp/before && ./mvnw -B -DskipTests package)
#   JAR_BEFORE=/tmp/before/sample-jobs/target/sample-jobs.jar VARIANTS="psql_keyset framework_before framework" \
#     ROWS=3000000 benchmarks/normalize-emails.sh
#
# Needs psql and a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres) on which it may create
# the database $DB. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-5000000}
ROUNDS=${ROUNDS:-3}
BATCH=${BATCH:-10000}
DB=${DB:-bench_backfill}
JAR=${JAR:-sample-jobs/target/sample-jobs.jar}
JAR_BEFORE=${JAR_BEFORE:-}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
OUT=benchmarks/results/normalize-emails-$(date -u +%Y%m%dT%H%M%SZ).csv
mkdir -p benchmarks/results
TIME=$(command -v /usr/bin/time || true)

JAVA_APP=(java -Xmx256m -jar "$JAR")
SPRING=(--spring.datasource.url="$URL" --spring.datasource.username="$PGUSER")
app() { "${JAVA_APP[@]}" backfill "$@" "${SPRING[@]}"; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
now() { date +%s.%N; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
start=$(now)
app seed --rows="$ROWS" | tail -n 1
echo "seed of $ROWS rows: $(echo "$(now) - $start" | bc) s (JVM start included)"
MAX=$(sql -At -c "SELECT max(id) FROM customers")

reset() {
  sql -c "UPDATE customers SET email_normalized = NULL WHERE email_normalized IS NOT NULL"
  sql -c "VACUUM (ANALYZE) customers" -c "CHECKPOINT"
}

check() {
  local wrong
  wrong=$(sql -At -c "SELECT count(*) FROM customers WHERE email_normalized IS DISTINCT FROM lower(trim(email))")
  [ "$wrong" = 0 ] || { echo "variant $1 left $wrong wrong rows" >&2; exit 1; }
}

single() {
  sql -c "UPDATE customers SET email_normalized = lower(trim(email)) WHERE email_normalized IS NULL"
}

psql_keyset() {
  for ((lo = 0; lo < MAX; lo += BATCH)); do
    echo "UPDATE customers SET email_normalized = lower(trim(email)) WHERE id > $lo AND id <= $((lo + BATCH)) AND email_normalized IS NULL;"
  done | sql
}

framework() {
  framework_jar "$JAR" "$@"
}

framework_jar() {
  framework_sized "$1" --batch-size="$BATCH" "${@:2}"
}

framework_sized() {
  local jar=$1
  shift
  if [ -n "$TIME" ]; then
    "$TIME" -f "maxrss_kb=%M" -o /tmp/backfill-bench-time java -Xmx256m -jar "$jar" backfill run normalize-emails \
      "$@" "${SPRING[@]}" > /tmp/backfill-bench-run
  else
    java -Xmx256m -jar "$jar" backfill run normalize-emails "$@" "${SPRING[@]}" > /tmp/backfill-bench-run
  fi
  tail -n 1 /tmp/backfill-bench-run >&2
}

# as users run it: no --batch-size, batches adapt to the target duration
framework_defaults() {
  framework_sized "$JAR"
}

framework_defaults_before() {
  [ -n "$JAR_BEFORE" ] || { echo "framework_defaults_before needs JAR_BEFORE" >&2; exit 2; }
  framework_sized "$JAR_BEFORE"
}

# the same backfill on an earlier build (JAR_BEFORE), for a before/after comparison in one sitting
framework_before() {
  [ -n "$JAR_BEFORE" ] || { echo "framework_before needs JAR_BEFORE" >&2; exit 2; }
  framework_jar "$JAR_BEFORE" "$@"
}

# the same with the impact budget off: what its samples of the application cost a run on a quiet database
framework_no_budget() {
  framework --backfill.throttle.max-impact=0
}

echo "round,variant,rows,seconds,rows_per_second,job_seconds,max_rss_mb" > "$OUT"
read -r -a variants <<< "${VARIANTS:-single psql_keyset framework}"
for ((round = 1; round <= ROUNDS; round++)); do
  for ((i = 0; i < ${#variants[@]}; i++)); do
    v=${variants[$(((i + round - 1) % ${#variants[@]}))]}   # rotate the order across rounds
    reset
    start=$(now)
    $v
    seconds=$(echo "$(now) - $start" | bc)
    check "$v"
    job="" rss=""
    if [[ $v == framework* ]]; then
      # the job's own wall time, without JVM start: "... rows in N batches, 26.8 s wall time, ..."
      job=$(grep -o '[0-9.]* s wall time' /tmp/backfill-bench-run | cut -d' ' -f1)
      [ -n "$TIME" ] && rss=$(($(grep -o 'maxrss_kb=[0-9]*' /tmp/backfill-bench-time | cut -d= -f2) / 1024))
    fi
    rate=$(echo "$ROWS / $seconds" | bc)
    echo "$round,$v,$ROWS,$seconds,$rate,$job,$rss" | tee -a "$OUT"
  done
done

echo
echo "results: $OUT"
python3 - "$OUT" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def med(variant, field):
    vals = [float(r[field]) for r in rows if r['variant'] == variant and r[field]]
    return statistics.median(vals) if vals else None
n = int(rows[0]['rows'])
single, loop = med('single', 'seconds'), med('psql_keyset', 'seconds')
ratio = lambda base, s: f"{base / s:.2f}" if base else ""
print(f"| variant | median s | rows/s | vs psql keyset loop | vs single UPDATE |")
print(f"| --- | --- | --- | --- | --- |")
lines = [('single UPDATE', single), ('psql keyset loop', loop)]
for v, name in [('framework', 'framework'), ('framework_defaults', 'framework at the defaults'),
                ('framework_no_budget', 'framework, impact budget off'),
                ('framework_before', 'framework, JAR_BEFORE'),
                ('framework_defaults_before', 'framework at the defaults, JAR_BEFORE')]:
    lines += [(f"{name}, whole process", med(v, 'seconds')), (f"{name}, job only", med(v, 'job_seconds'))]
for name, s in lines:
    if s:
        print(f"| {name} | {s:.1f} | {n / s:,.0f} | {ratio(loop, s)} | {ratio(single, s)} |")
rss = med('framework', 'max_rss_mb')
if rss: print(f"framework max RSS (median): {rss:.0f} MB")
PY
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"

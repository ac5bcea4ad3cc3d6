#!/usr/bin/env bash
# Production impact of a backfill: a pgbench custom script updating random `customers` rows (-c 4 -j 2) alone, then
# while `backfill run normalize-emails` runs with default settings, then capped at half the rate it reached with
# them, then with the impact budget turned off (--backfill.throttle.max-impact=0), as every run went before it. pgbench logs every transaction; TPS, p99 and the longest transaction are computed over the
# backfill's job execution (from its start to its end in BATCH_JOB_EXECUTION), and over the whole pgbench run for the
# baseline. The machine must run in UTC, as Spring Batch stores local times. With ROUNDS=n the four runs are repeated
# n times, interleaved, each round capped at half the rate of its own uncapped run, and the medians are printed after
# each round's figures.
#
#   ./mvnw -B clean install -DskipTests && ROWS=2000000 ROUNDS=3 benchmarks/production-impact.sh
#
# Needs psql, pgbench, python3 and a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres) on
# which it may create the database $DB. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-2000000}
DURATION=${DURATION:-30}
ROUNDS=${ROUNDS:-1}
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
  pgbench -n -c 4 -j 2 -T "$2" -f "$WORK/traffic.sql" --log --log-prefix="$WORK/$1" "$DB" > "$WORK/$1.out" 2>&1 &
  PGBENCH=$!
}

# window of the backfill: start and end epoch seconds
# pgbench starts 3 s before the backfill and is interrupted 1 s after it, so that the whole run has traffic around it
with_backfill() {
  local variant=$1; shift
  reset
  traffic "$variant" 3600
  sleep 3
  app run normalize-emails "$@" > "$WORK/$variant.backfill"
  sleep 1
  # a background job ignores SIGINT in a script
  kill -TERM "$PGBENCH" 2>/dev/null || true
  wait "$PGBENCH" || true
  tail -n 1 "$WORK/$variant.backfill" >&2
  # the job's own run, JVM and Spring Boot start left out (Spring Batch stores the JVM's local time: UTC here)
  sql -At -F ' ' -c "SELECT extract(epoch FROM START_TIME AT TIME ZONE current_setting('TimeZone')),
    extract(epoch FROM END_TIME AT TIME ZONE current_setting('TimeZone')) FROM BATCH_JOB_EXECUTION
    ORDER BY JOB_EXECUTION_ID DESC LIMIT 1" > "$WORK/$variant.window"
}

caps=()
for round in $(seq 1 "$ROUNDS"); do
  reset
  traffic "baseline-$round" "$DURATION"
  wait "$PGBENCH"
  echo "0 9999999999" > "$WORK/baseline-$round.window"

  with_backfill "default-$round"
  # the summary line: "... 8.2 s wall time, 242,718 rows/s (run total ...)"
  summary=$(grep 'completed' "$WORK/default-$round.backfill")
  rate=$(echo "$summary" | grep -o '[0-9,]* rows/s' | tr -d ', rows/s')
  cap=$((rate / 2))
  caps+=("$cap")
  with_backfill "capped-$round" --backfill.throttle.max-rows-per-second="$cap"
  with_backfill "unbudgeted-$round" --backfill.throttle.max-impact=0
done

python3 - "$WORK" "$OUT" "$ROUNDS" "${caps[@]}" <<'PY'
import glob, sys, statistics
work, out, rounds, caps = sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(c) for c in sys.argv[4:]]

def logs(run):
    return [f for f in glob.glob(f"{work}/{run}.*") if not f.endswith((".window", ".out", ".backfill"))]

def measure(run):
    start, end = map(float, open(f"{work}/{run}.window").read().split())
    lat, times = [], []
    for f in logs(run):
        for line in open(f):
            p = line.split()
            if len(p) < 6:  # the line pgbench was writing when it was interrupted
                continue
            done = int(p[4]) + int(p[5]) / 1e6
            times.append(done)
            if start <= done <= end:
                lat.append(int(p[2]) / 1000.0)
    # the backfill's run, as far as pgbench ran around it; the whole pgbench run for the baseline
    start, end = max(start, min(times)), min(end, max(times))
    lat.sort()
    seconds = end - start
    return dict(window=seconds, tps=len(lat) / seconds, mean=statistics.mean(lat),
                p99=lat[int(0.99 * (len(lat) - 1))], max=lat[-1], waits=sum(1 for x in lat if x >= 1000))

names = {"baseline": "nothing else", "default": "normalize-emails, defaults",
         "capped": "normalize-emails, capped at half its rate", "unbudgeted": "normalize-emails, no impact budget"}
rows = []
for r in range(1, rounds + 1):
    base = measure(f"baseline-{r}")
    for variant in ("baseline", "default", "capped", "unbudgeted"):
        m = base if variant == "baseline" else measure(f"{variant}-{r}")
        m = dict(m)
        m.update(round=r, variant=variant, tps_ratio=m["tps"] / base["tps"], p99_ratio=m["p99"] / base["p99"],
                 cap=caps[r - 1] if variant == "capped" else 0)
        rows.append(m)
cols = ["round", "variant", "cap", "window", "tps", "tps_ratio", "mean", "p99", "p99_ratio", "max", "waits"]
with open(out, "w") as f:
    f.write(",".join(cols) + "\n")
    for m in rows:
        f.write(",".join(str(round(m[c], 3)) if isinstance(m[c], float) else str(m[c]) for c in cols) + "\n")
print("| round | pgbench while | window s | TPS | vs baseline | mean ms | p99 ms | p99 vs baseline | longest ms | transactions ≥ 1 s |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for m in rows:
    name = names[m["variant"]] + (f" ({m['cap']:,} rows/s)" if m["cap"] else "")
    print(f"| {m['round']} | {name} | {m['window']:.1f} | {m['tps']:,.0f} | {m['tps_ratio']:.2f} | {m['mean']:.2f} "
          f"| {m['p99']:.1f} | {m['p99_ratio']:.2f} | {m['max']:.0f} | {m['waits']} |")
if rounds > 1:
    for variant in ("default", "capped", "unbudgeted"):
        ms = [m for m in rows if m["variant"] == variant]
        med = lambda k: statistics.median(m[k] for m in ms)
        print(f"| median | {names[variant]} | {med('window'):.1f} | {med('tps'):,.0f} | {med('tps_ratio'):.2f} | "
              f"{med('mean'):.2f} | {med('p99'):.1f} | {med('p99_ratio'):.2f} | {max(m['max'] for m in ms):.0f} (most) | "
              f"{sum(m['waits'] for m in ms)} (all) |")
PY
echo "results: $OUT"
for f in "$WORK"/*.backfill; do echo "$(basename "$f" .backfill): $(tail -n 1 "$f")"; done
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"

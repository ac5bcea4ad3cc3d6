#!/usr/bin/env bash
# What a rate cap alone can do for the application, against the floor of any batching engine: pgbench (-c 4 -j 2,
# a random one-row UPDATE of customers) alone, then while the same UPDATE of normalize-emails runs at $RATE rows/s
#   - as a plain server-side loop (a PL/pgSQL procedure, COMMIT every 10,000 keys, paced with pg_sleep),
#   - as `backfill run normalize-emails` capped at $RATE with the impact budget off,
#   - and capped at $RATE with the defaults (the impact budget, 5% by default, on).
# Each backfill window is its own run (the procedure's call, the job's execution), pgbench's TPS and p99 within it
# are compared with the baseline of the same round; pgbench is interrupted when the window ends. Not run by CI.
#
#   ./mvnw -B clean install -DskipTests && RATE=70000 ROUNDS=2 benchmarks/impact-floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:-bench_floor}; JAR=${JAR:-sample-jobs/target/sample-jobs.jar}; ROWS=${ROWS:-2000000}
RATE=${RATE:-70000}; ROUNDS=${ROUNDS:-2}
JAR=$(realpath "$JAR"); W=$(mktemp -d)
export PGHOST=127.0.0.1 PGUSER=postgres
URL="jdbc:postgresql://127.0.0.1:5432/$DB"
app() { java -Xmx256m -jar "$JAR" backfill "$@" --spring.datasource.url="$URL" --spring.datasource.username=postgres; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
epoch() { date +%s.%N; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
app seed --rows="$ROWS" | tail -n 1
printf '\\set id random(1, %s)\nUPDATE customers SET full_name = full_name WHERE id = :id;\n' "$ROWS" > "$W/traffic.sql"
sql <<'SQL'
CREATE PROCEDURE loop_fill(n int, period float8) LANGUAGE plpgsql AS $$
DECLARE lo bigint := 0; hi bigint; t0 timestamptz;
BEGIN
  SELECT max(id) INTO hi FROM customers;
  WHILE lo < hi LOOP
    t0 := clock_timestamp();
    UPDATE customers SET email_normalized = lower(trim(email))
    WHERE id > lo AND id <= lo + n AND email_normalized IS NULL;
    lo := lo + n;
    COMMIT;
    PERFORM pg_sleep(greatest(0, period - extract(epoch FROM clock_timestamp() - t0)));
  END LOOP;
END $$;
SQL
reset() { sql -c "UPDATE customers SET email_normalized = NULL WHERE email_normalized IS NOT NULL" -c "VACUUM (ANALYZE) customers" -c "CHECKPOINT"; }
job_window() {
  sql -At -F ' ' -c "SELECT extract(epoch FROM START_TIME AT TIME ZONE current_setting('TimeZone')),
    extract(epoch FROM END_TIME AT TIME ZONE current_setting('TimeZone')) FROM BATCH_JOB_EXECUTION
    ORDER BY JOB_EXECUTION_ID DESC LIMIT 1"
}

for round in $(seq 1 "$ROUNDS"); do
  for variant in baseline loop engine-no-budget engine-defaults; do
    name=$variant-$round
    reset
    pgbench -n -c 4 -j 2 -T 900 -f "$W/traffic.sql" --log --log-prefix="$W/$name" "$DB" > "$W/$name.out" 2>&1 &
    P=$!
    sleep 3
    case $variant in
      baseline) start=$(epoch); sleep 20; echo "$start $(epoch)" > "$W/$name.window";;
      loop) start=$(epoch); sql -c "CALL loop_fill(10000, 10000.0 / $RATE)"; echo "$start $(epoch)" > "$W/$name.window";;
      engine-no-budget) app run normalize-emails --backfill.throttle.max-rows-per-second="$RATE" \
          --backfill.throttle.max-impact=0 > "$W/$name.backfill"; job_window > "$W/$name.window";;
      engine-defaults) app run normalize-emails --backfill.throttle.max-rows-per-second="$RATE" \
          > "$W/$name.backfill"; job_window > "$W/$name.window";;
    esac
    kill -TERM $P 2>/dev/null || true; wait $P || true  # a background job ignores SIGINT in a script
  done
done

python3 - "$W" "$ROUNDS" "$ROWS" <<'PY'
import glob, sys, statistics
w, rounds, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def measure(name):
    s, e = map(float, open(f"{w}/{name}.window").read().split())
    lat = []
    for f in glob.glob(f"{w}/{name}.[0-9]*"):
        for line in open(f):
            p = line.split()
            if len(p) < 6:  # the line pgbench was writing when it was interrupted
                continue
            t = int(p[4]) + int(p[5]) / 1e6
            if s <= t <= e:
                lat.append(int(p[2]) / 1000)
    lat.sort()
    return dict(seconds=e - s, tps=len(lat) / (e - s), p99=lat[int(.99 * (len(lat) - 1))], max=lat[-1])
print("| round | pgbench while | backfill rows/s | TPS | vs baseline | p99 ms | p99 vs baseline | longest ms |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
ratios = {}
for r in range(1, rounds + 1):
    base = measure(f"baseline-{r}")
    for v in ("baseline", "loop", "engine-no-budget", "engine-defaults"):
        m = measure(f"{v}-{r}")
        rate = "" if v == "baseline" else f"{rows / m['seconds']:,.0f}"
        ratios.setdefault(v, []).append((m["tps"] / base["tps"], m["p99"] / base["p99"]))
        print(f"| {r} | {v} | {rate} | {m['tps']:,.0f} | {m['tps'] / base['tps']:.2f} | {m['p99']:.2f} | "
              f"{m['p99'] / base['p99']:.2f} | {m['max']:.0f} |")
for v, rs in ratios.items():
    if v != "baseline":
        print(f"| median | {v} | | | {statistics.median(x for x, _ in rs):.2f} | | "
              f"{statistics.median(y for _, y in rs):.2f} | |")
PY
for f in "$W"/*.backfill; do echo "$(basename "$f" .backfill): $(grep -o 'completed.*' "$f" | head -1)"; done
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"

#!/usr/bin/env bash
# Production impact of backfill settings, one round each: pgbench (-c 4 -j 2, a random one-row UPDATE of customers)
# alone, then while `backfill run normalize-emails` runs with each variant's arguments. Seeds $DB once.
# The exploration behind the default maximum batch size (docs/benchmarks.md, production impact):
#
#   ./mvnw -B install -DskipTests
#   T=30 benchmarks/impact-variants.sh "baseline|" "default|" "max10k|--backfill.max-batch-size=10000" \
#     "max5k|--backfill.max-batch-size=5000" "t100|--backfill.target-batch-duration=100ms"
#
# Prints one line per variant: window, TPS, mean, p99 and longest pgbench transaction (ms) during the run. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:-bench_variants}; JAR=${JAR:-sample-jobs/target/sample-jobs.jar}; ROWS=${ROWS:-2000000}
JAR=$(realpath "$JAR"); W=$(mktemp -d)
export PGHOST=127.0.0.1 PGUSER=postgres
URL="jdbc:postgresql://127.0.0.1:5432/$DB"
app() { java -Xmx256m -jar "$JAR" backfill "$@" --spring.datasource.url="$URL" --spring.datasource.username=postgres; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
printf '\\set id random(1, %s)\nUPDATE customers SET full_name = full_name WHERE id = :id;\n' $ROWS > $W/traffic.sql
if ! psql -X -q -d "$DB" -c "SELECT 1 FROM customers LIMIT 1" >/dev/null 2>&1; then
  psql -X -q -d postgres -c "CREATE DATABASE $DB" 2>/dev/null || true
  app seed --rows="$ROWS" | tail -n 1
fi
reset() { sql -c "UPDATE customers SET email_normalized = NULL WHERE email_normalized IS NOT NULL" -c "VACUUM (ANALYZE) customers" -c "CHECKPOINT"; }
for spec in "$@"; do
  name=${spec%%|*}; args=${spec#*|}
  reset
  if [ "$name" = baseline ]; then
    (cd $W && pgbench -n -c 4 -j 2 -T 15 -f traffic.sql --log --log-prefix=$name $DB > $name.out 2>&1); echo "0 9999999999" > $W/$name.window
  else
    pgbench -n -c 4 -j 2 -T ${T:-40} -f $W/traffic.sql --log --log-prefix=$W/$name $DB > $W/$name.out 2>&1 & P=$!
    sleep 3
    app run normalize-emails $args > $W/$name.backfill || true
    kill -TERM $P 2>/dev/null || true; wait $P || true  # a background job ignores SIGINT in a script
    sql -At -F ' ' -c "SELECT extract(epoch FROM START_TIME AT TIME ZONE current_setting('TimeZone')), extract(epoch FROM END_TIME AT TIME ZONE current_setting('TimeZone')) FROM BATCH_JOB_EXECUTION ORDER BY JOB_EXECUTION_ID DESC LIMIT 1" > $W/$name.window
  fi
  python3 - $W $name <<'PY'
import glob, sys
w, v = sys.argv[1], sys.argv[2]
s, e = map(float, open(f"{w}/{v}.window").read().split())
lat=[]; times=[]
for f in glob.glob(f"{w}/{v}.[0-9]*"):
    for l in open(f):
        p=l.split(); t=int(p[4])+int(p[5])/1e6; times.append(t)
        if s<=t<=e: lat.append(int(p[2])/1000)
s,e=max(s,min(times)),min(e,max(times)); lat.sort()
print(f"{v:24s} win {e-s:6.1f}s tps {len(lat)/(e-s):8.0f} mean {sum(lat)/len(lat):.2f} p99 {lat[int(.99*(len(lat)-1))]:.2f} max {lat[-1]:.0f}")
PY
  [ -f $W/$name.backfill ] && grep -o 'completed.*' $W/$name.backfill | head -1 || true
done

#!/usr/bin/env bash
# Times `backfill status` from the JVM's start to its exit, three ways side by side: the Boot fat jar as built, the
# jar extracted (`-Djarmode=tools extract`), and the extracted jar with a class data sharing archive made by one
# training run (-XX:ArchiveClassesAtExit). ROUNDS interleaved rounds.
#
#   ./mvnw -B -o -DskipTests package && DB=test ROUNDS=3 benchmarks/cli-startup.sh
#
# Needs a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres) with database $DB. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DB=${DB:-test}
JAR=${JAR:-sample-jobs/target/sample-jobs.jar}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
ARGS=(backfill status --spring.datasource.url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" --spring.datasource.username="$PGUSER")
WORK=$(mktemp -d)
now() { date +%s.%N; }

java -Djarmode=tools -jar "$JAR" extract --destination "$WORK/extracted" > /dev/null
EXTRACTED="$WORK/extracted/$(basename "$JAR")"
java -XX:ArchiveClassesAtExit="$WORK/app.jsa" -jar "$EXTRACTED" "${ARGS[@]}" > /dev/null 2>&1

fat() { java -jar "$JAR" "${ARGS[@]}"; }
extracted() { java -jar "$EXTRACTED" "${ARGS[@]}"; }
extracted_cds() { java -XX:SharedArchiveFile="$WORK/app.jsa" -jar "$EXTRACTED" "${ARGS[@]}"; }

echo "round,variant,seconds"
for ((round = 1; round <= ROUNDS; round++)); do
  for v in fat extracted extracted_cds; do
    start=$(now)
    $v > /dev/null 2>&1
    echo "$round,$v,$(echo "$(now) - $start" | bc)"
  done
done
rm -rf "$WORK"

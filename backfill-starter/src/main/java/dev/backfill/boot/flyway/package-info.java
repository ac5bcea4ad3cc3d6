/**
 * The contract step's gate in Flyway: a migration that says it requires backfills runs
 * only once they are done and verified.
 */
@NullMarked
package dev.backfill.boot.flyway;

import org.jspecify.annotations.NullMarked;

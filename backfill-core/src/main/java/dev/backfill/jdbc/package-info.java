/**
 * PostgreSQL access: identifiers, table shapes, the batch log, checkpoints and the run
 * lock.
 */
@NullMarked
package dev.backfill.jdbc;

import org.jspecify.annotations.NullMarked;

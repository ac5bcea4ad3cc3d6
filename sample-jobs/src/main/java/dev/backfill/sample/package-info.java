/**
 * A sample application: two backfills over a customers table, a data generator and an
 * embedded PostgreSQL.
 */
@NullMarked
package dev.backfill.sample;

import org.jspecify.annotations.NullMarked;

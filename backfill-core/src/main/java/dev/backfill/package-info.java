/**
 * The backfill API: declare a {@link dev.backfill.Backfill}, run it through a
 * {@link dev.backfill.BackfillOperator}.
 */
@NullMarked
package dev.backfill;

import org.jspecify.annotations.NullMarked;

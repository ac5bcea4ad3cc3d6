/**
 * Built-in {@link dev.backfill.BackfillThrottle throttles}: a rate cap, and PostgreSQL's own health signals.
 */
@NullMarked
package dev.backfill.throttle;

import org.jspecify.annotations.NullMarked;

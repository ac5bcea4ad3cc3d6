/**
 * Built-in {@link dev.backfill.BackfillThrottle throttles}: a rate cap, the application's
 * share of the database (an impact budget measured by the engine), and PostgreSQL's own
 * health signals.
 */
@NullMarked
package dev.backfill.throttle;

import org.jspecify.annotations.NullMarked;

/**
 * The {@code backfills} Actuator endpoint: progress, rate, ETA, estimates and batch log
 * of every backfill, and actions; and the {@code backfills} health indicator.
 */
@NullMarked
package dev.backfill.boot.actuate;

import org.jspecify.annotations.NullMarked;

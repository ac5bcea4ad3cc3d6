/**
 * Fault injection at every JobRepository call and batch statement of a backfill: halted
 * JVMs and lost connections.
 */
@NullMarked
package dev.backfill.faults;

import org.jspecify.annotations.NullMarked;

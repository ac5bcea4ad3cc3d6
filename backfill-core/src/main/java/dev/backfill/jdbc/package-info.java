/**
 * The engine's PostgreSQL access: identifiers, table shapes, the batch log, pauses,
 * discrepancies and the run lock. Not API: its types are public for
 * {@code dev.backfill.engine} and for identifier checks of the declarations only, and may
 * change in any release (an architecture test keeps everything else out).
 */
@NullMarked
package dev.backfill.jdbc;

import org.jspecify.annotations.NullMarked;

/**
 * Spring Batch wiring of the engine. Not API: may change in any release.
 */
@NullMarked
package dev.backfill.internal;

import org.jspecify.annotations.NullMarked;

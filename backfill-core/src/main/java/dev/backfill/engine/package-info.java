/**
 * The engine: Spring Batch jobs, the batch loop, run state and the job repository's
 * history, behind {@link dev.backfill.engine.DefaultBackfillOperator}. Not API: only that
 * type is public, and its builder.
 */
@NullMarked
package dev.backfill.engine;

import org.jspecify.annotations.NullMarked;

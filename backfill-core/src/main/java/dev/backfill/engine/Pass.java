package dev.backfill.engine;

import java.util.Objects;

import dev.backfill.Backfill;
import dev.backfill.jdbc.TableShape;

/**
 * What one walk over a backfill's table applies: the backfill itself, or its rollback.
 * Both walk in keyset batches with the same checkpoint, batch log, timeouts, retries and
 * throttles; they differ in the statement, the name their batches are logged under, and
 * the command that resumes them.
 *
 * @param logName the name of the batch log rows and of the Spring Batch job
 * @param work the work of one batch
 * @param remaining estimates the work left
 * @param command the command that resumes the walk, such as {@code run}
 * @param bounded whether the walk covers only the {@link WalkBounds} of its job
 * parameters
 */
record Pass(String logName, BatchWork work, RemainingWork remaining, String command, boolean bounded) {

	static Pass run(Backfill backfill, TableShape shape) {
		return new Pass(backfill.name(), BatchWork.of(backfill, shape), new RemainingWork(backfill, shape), "run",
				false);
	}

	// over the union of the ranges the runs committed, read from the batch log
	static Pass rollback(Backfill backfill, TableShape shape) {
		return new Pass(JobNames.rollback(backfill.name()),
				new SqlBatchWork(Objects.requireNonNull(backfill.rollback())), new RemainingWork("true", shape),
				"rollback", true);
	}

}

package dev.backfill.engine;

import java.util.List;

import dev.backfill.Backfill;
import dev.backfill.BackfillSettings;
import dev.backfill.BackfillThrottle;
import dev.backfill.BatchSizing;
import dev.backfill.KeyRange;
import dev.backfill.ProgressListener;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;

/**
 * Everything a run or a rollback needs, resolved once before its job is built: the
 * operator's settings, a backfill's tuning, the declaration's and the caller's batch size
 * have all been weighed, and nothing is asked again while it runs.
 *
 * @param backfill the declaration
 * @param pass what the walk applies: the backfill or its rollback
 * @param shape its table's shape
 * @param batchSize keys per batch, or of the first batch when batches adapt
 * @param sizing how batches adapt, or {@code null} to keep them all at {@code batchSize}
 * @param settings the backfill's engine settings: timeouts and retries
 * @param throttles asked before every batch, in order
 * @param listener told of every batch, retry and hold
 * @param lock the run lock, held; {@code null} in a worker process, where each partition
 * holds its own
 * @param undo for a new rollback, the union of the committed ranges it undoes;
 * {@code null} for a run, or to restart an unfinished rollback with its own
 * @param parallelism how many partitions a new walk is split into, and how many
 * partitions this process walks at once
 * @param remote whether worker processes walk the partitions
 */
record RunPlan(Backfill backfill, Pass pass, TableShape shape, int batchSize, @Nullable BatchSizing sizing,
		BackfillSettings settings, List<BackfillThrottle> throttles, ProgressListener listener, @Nullable RunLock lock,
		@Nullable KeyRange undo, int parallelism, boolean remote) {

	RunPlan {
		throttles = List.copyOf(throttles);
	}

	/**
	 * @param range the union of the committed ranges a new rollback undoes
	 * @return the same plan, bounded to them
	 */
	RunPlan undoing(KeyRange range) {
		return new RunPlan(this.backfill, this.pass, this.shape, this.batchSize, this.sizing, this.settings,
				this.throttles, this.listener, this.lock, range, this.parallelism, this.remote);
	}

	/**
	 * @return the name of the job and of its batch log rows
	 */
	String jobName() {
		return this.pass.logName();
	}

}

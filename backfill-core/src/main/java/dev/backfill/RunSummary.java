package dev.backfill;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One execution of a backfill's run, as the job repository holds it
 * ({@link BackfillOperator#history}): a run resumed after a stop, a failure or a crash is
 * a new execution of the same run.
 *
 * @param jobExecutionId the job execution
 * @param jobInstanceId the run it belongs to: the executions of one run share it
 * @param state how it ended ({@link BackfillState#COMPLETED},
 * {@link BackfillState#STOPPED} or {@link BackfillState#FAILED});
 * {@link BackfillState#RUNNING} or {@link BackfillState#PAUSED} while a live process runs
 * it, {@link BackfillState#DEAD} when its process died
 * @param startedAt when it started, or {@code null} when it never did
 * @param endedAt when it ended, or {@code null} while it runs or when its process died
 * @param rows rows this execution changed (its run's earlier executions not counted)
 * @param rolledBack whether a rollback undid its rows since
 * @param exitMessage the first line of its exit description, or {@code null}
 * @since 0.2.0
 */
public record RunSummary(long jobExecutionId, long jobInstanceId, BackfillState state, @Nullable Instant startedAt,
		@Nullable Instant endedAt, long rows, boolean rolledBack, @Nullable String exitMessage) {

	/**
	 * Checks the summary.
	 * @param jobExecutionId the job execution
	 * @param jobInstanceId the run
	 * @param state how it ended
	 * @param startedAt when it started
	 * @param endedAt when it ended
	 * @param rows rows it changed
	 * @param rolledBack whether a rollback undid it
	 * @param exitMessage its exit description
	 */
	public RunSummary {
		Objects.requireNonNull(state, "state");
		if (rows < 0) {
			throw new IllegalArgumentException("rows must not be negative, was " + rows);
		}
	}

	/**
	 * How long it ran: from its start to its end, or to {@code now} while it has not
	 * ended.
	 * @param now the time to measure an execution that has not ended against
	 * @return the duration, zero when it never started
	 */
	public Duration duration(Instant now) {
		if (this.startedAt == null) {
			return Duration.ZERO;
		}
		Duration duration = Duration.between(this.startedAt, (this.endedAt != null) ? this.endedAt : now);
		return duration.isNegative() ? Duration.ZERO : duration;
	}

}

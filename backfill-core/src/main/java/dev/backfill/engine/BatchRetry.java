package dev.backfill.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.backfill.BackfillException;
import dev.backfill.KeyRange;
import dev.backfill.Retry;
import dev.backfill.jdbc.FailedAttempt;
import dev.backfill.jdbc.JdbcBatchLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The attempts of a run's current batch: a probe or a batch that met a lock, a timeout, a
 * deadlock or a serialization failure is logged as a {@link FailedAttempt} and tried
 * again after the retry policy's delay, at half its keys after a timeout, until the
 * policy gives up and the run fails. Nothing of a failed attempt is applied: the chunk
 * commits the unchanged checkpoint, and the next call waits first.
 */
final class BatchRetry {

	// the run's lines, under the one name they always had
	private static final Logger logger = LoggerFactory.getLogger(BackfillTasklet.class);

	private final RunPlan plan;

	private final JdbcBatchLog log;

	/**
	 * Logs an attempt on its own connection: the batch's transaction may yet roll back.
	 */
	private final TransactionTemplate outside;

	/** The attempt of the current batch, 1 until it meets a transient failure. */
	private int attempt = 1;

	/** Keys of the batch's next attempt, 0 for the run's batch size. */
	private int retrySize;

	/** When the next attempt may start, by {@link System#nanoTime()}; 0 at once. */
	private long retryAtNanos;

	BatchRetry(RunPlan plan, JdbcBatchLog log, PlatformTransactionManager transactionManager) {
		this.plan = plan;
		this.log = log;
		this.outside = new TransactionTemplate(transactionManager);
		this.outside.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
	}

	/**
	 * Waits out the delay before a retry; called before the batch's first statement, so
	 * that no transaction is open in PostgreSQL while it waits.
	 * @throws InterruptedException when interrupted while it waits
	 */
	void awaitDelay() throws InterruptedException {
		if (this.retryAtNanos != 0) {
			TimeUnit.NANOSECONDS.sleep(Math.max(0, this.retryAtNanos - System.nanoTime()));
			this.retryAtNanos = 0;
		}
	}

	/**
	 * @param size the run's keys per batch
	 * @return keys of the attempt about to be made
	 */
	int size(int size) {
		return (this.retrySize > 0) ? this.retrySize : size;
	}

	/**
	 * @return the attempt about to be made, or just made, from 1
	 */
	int attempt() {
		return this.attempt;
	}

	/** The batch committed: the next one starts at its first attempt, at full size. */
	void succeeded() {
		this.attempt = 1;
		this.retrySize = 0;
	}

	/**
	 * The probe for the range after a key failed.
	 * @param from the key, or {@code null} for the first range
	 * @throws DataAccessException {@code ex} itself when it is not transient
	 * @throws BackfillException when the policy gives up
	 */
	void probeFailed(DataAccessException ex, StepExecution step, long batchNo, @Nullable Object from, int size,
			Instant startedAt, long startNanos) {
		String what = (from != null) ? "the probe for the batch after key " + from : "the probe for the first batch";
		failed(ex, step, batchNo, what, from, from == null, from, 0, size, startedAt, startNanos);
	}

	/**
	 * A batch's work failed.
	 * @throws DataAccessException {@code ex} itself when it is not transient
	 * @throws BackfillException when the policy gives up
	 */
	void batchFailed(DataAccessException ex, StepExecution step, long batchNo, KeyRange range, long keys, int size,
			Instant startedAt, long startNanos) {
		failed(ex, step, batchNo, "batch " + range, range.from(), range.fromIncluded(), range.to(), keys, size,
				startedAt, startNanos);
	}

	private void failed(DataAccessException ex, StepExecution step, long batchNo, String what, @Nullable Object from,
			boolean fromIncluded, @Nullable Object to, long keys, int size, Instant startedAt, long startNanos) {
		TransientFailure failure = TransientFailure.of(ex);
		if (failure == null) {
			throw ex;
		}
		Retry retry = this.plan.settings().retry();
		FailedAttempt attempt = new FailedAttempt(this.plan.jobName(), step.getJobExecutionId(), step.getId(), batchNo,
				this.attempt, (from != null) ? from.toString() : null, fromIncluded,
				(to != null) ? to.toString() : null, keys, this.attempt < retry.maxAttempts(), failure.sqlState(),
				failure.message(), startedAt, (System.nanoTime() - startNanos) / 1_000_000,
				PartitionPlan.number(step.getExecutionContext()));
		this.outside.executeWithoutResult((status) -> this.log.append(attempt));
		this.plan.listener().onRetry(this.plan.jobName(), failure.sqlState(), attempt.retried());
		if (this.attempt >= retry.maxAttempts()) {
			int attempts = this.attempt;
			succeeded();
			throw new BackfillException(String.format("Backfill '%s': %s failed %d times, the last with %s. "
					+ "Nothing of it was committed; each attempt is in %s (OUTCOME RETRIED or FAILED). Find what "
					+ "holds its rows or its table (pg_locks, pg_stat_activity) or raise backfill.lock-timeout / "
					+ "backfill.statement-timeout; 'backfill %s %s' resumes %s.", this.plan.jobName(), what, attempts,
					failure, this.log.tableName(), this.plan.pass().command(), this.plan.backfill().name(),
					(from != null) ? "after key " + from : "from the first key"));
		}
		this.attempt++;
		this.retrySize = failure.isTimeout() ? Math.max(1, size / 2) : size;
		Duration delay = retry.delayBefore(this.attempt);
		this.retryAtNanos = System.nanoTime() + delay.toNanos();
		logger.warn("Backfill '{}': {} met {}; attempt {} of {} in {} ms, at {} keys", this.plan.jobName(), what,
				failure, this.attempt, retry.maxAttempts(), delay.toMillis(), this.retrySize);
	}

}

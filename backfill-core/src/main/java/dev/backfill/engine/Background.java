package dev.backfill.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.backfill.BackfillAlreadyRunningException;
import dev.backfill.BackfillException;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;
import dev.backfill.BackgroundWork;
import dev.backfill.Estimate;
import dev.backfill.ProgressListener;
import dev.backfill.Verification;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * Work an operator started on threads of its own ({@link BackfillOperator#start}): the
 * latest by backfill, and what goes on, so that a dry-run and a run of one backfill do
 * not overlap.
 */
final class Background {

	private static final Logger logger = LoggerFactory.getLogger(Background.class);

	// does the work: the operator's synchronous calls
	private final BackfillOperator operator;

	private final Map<String, Started> started = new ConcurrentHashMap<>();

	private final Map<String, Started> going = new ConcurrentHashMap<>();

	private final SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("backfill-background-");

	Background(BackfillOperator operator) {
		this.operator = operator;
		// the application's shutdown stops its runs (stopAll); these threads must not
		// keep the JVM alive
		this.executor.setDaemon(true);
	}

	BackgroundWork start(String name, BackgroundWork.Task task, String by) {
		BackfillStatus status = this.operator.status(name);
		if (status.state() == BackfillState.RUNNING || status.state() == BackfillState.PAUSED) {
			throw new BackfillAlreadyRunningException(name,
					(status.owner() != null) ? status.owner() : "another process");
		}
		Started work = new Started(name, task, by, Instant.now());
		Started other = this.going.putIfAbsent(name, work);
		if (other != null) {
			throw new BackfillAlreadyRunningException(name, "this application (" + other.task().kind().word()
					+ " asked by " + other.by() + " at " + other.startedAt().truncatedTo(ChronoUnit.SECONDS) + ")");
		}
		this.started.put(name, work);
		try {
			this.executor.execute(() -> {
				try {
					work.end(perform(name, task), null);
				}
				catch (RuntimeException ex) {
					work.end(new BackgroundWork.Outcome(Instant.now(), failure(ex), true), ex);
				}
				catch (Error ex) {
					work.end(new BackgroundWork.Outcome(Instant.now(), String.valueOf(ex), true), null);
					throw ex;
				}
				finally {
					// the outcome first: newer work cannot start before it is kept
					this.going.remove(name, work);
				}
			});
		}
		catch (RuntimeException ex) {
			this.going.remove(name, work);
			throw ex;
		}
		return work;
	}

	@Nullable BackgroundWork lastStarted(String name) {
		return this.started.get(name);
	}

	private BackgroundWork.Outcome perform(String name, BackgroundWork.Task task) {
		return switch (task.kind()) {
			case RUN -> ended(this.operator.run(name, task.runOptions(), ProgressListener.NONE));
			case ROLLBACK -> ended(this.operator.rollback(name, ProgressListener.NONE));
			case DRY_RUN -> ended(this.operator.dryRun(name, task.dryRunOptions()));
			case VERIFY -> ended(this.operator.verify(name));
		};
	}

	private static String failure(RuntimeException ex) {
		return (ex instanceof BackfillException) ? String.valueOf(ex.getMessage()) : String.valueOf(ex);
	}

	private static BackgroundWork.Outcome ended(BackfillResult result) {
		if (result.state() == BackfillState.NOTHING_TO_ROLL_BACK) {
			return new BackgroundWork.Outcome(Instant.now(),
					"nothing to roll back: no batch was committed since the last rollback", false);
		}
		return new BackgroundWork.Outcome(Instant.now(),
				String.format("%s: %,d rows in %,d batches%s", result.state().name().toLowerCase(Locale.ROOT),
						result.rows(), result.batches(), (result.failure() != null) ? ": " + result.failure() : ""),
				result.state() == BackfillState.FAILED);
	}

	private static BackgroundWork.Outcome ended(Verification verification) {
		return new BackgroundWork.Outcome(Instant.now(),
				verification.passed()
						? String.format("verified: %,d keys checked, no discrepancy", verification.keysChecked())
						: String.format("%,d discrepancies in %,d keys checked; first keys %s",
								verification.discrepancies(), verification.keysChecked(),
								String.join(", ", verification.firstKeys())),
				false);
	}

	private static BackgroundWork.Outcome ended(Estimate estimate) {
		return new BackgroundWork.Outcome(Instant.now(),
				String.format("estimated: ~%,.1f s (%,.1f s to %,.1f s) at batch size %,d, longest batch %,d ms",
						estimate.estimatedSeconds(), estimate.estimatedSecondsLow(), estimate.estimatedSecondsHigh(),
						estimate.batchSize(), estimate.maxBatchMillis()),
				false);
	}

	// work started in the background; its outcome is kept under its own lock, so that a
	// failure goes to the callers waiting when it ends, or else to the log
	private static final class Started implements BackgroundWork {

		private final String backfill;

		private final Task task;

		private final String by;

		private final Instant startedAt;

		private @Nullable Outcome outcome;

		private @Nullable RuntimeException failure;

		private int waiting;

		Started(String backfill, Task task, String by, Instant startedAt) {
			this.backfill = backfill;
			this.task = task;
			this.by = by;
			this.startedAt = startedAt;
		}

		@Override
		public String backfill() {
			return this.backfill;
		}

		@Override
		public Task task() {
			return this.task;
		}

		@Override
		public String by() {
			return this.by;
		}

		@Override
		public Instant startedAt() {
			return this.startedAt;
		}

		@Override
		public synchronized @Nullable Outcome outcome() {
			return this.outcome;
		}

		@Override
		public synchronized @Nullable Outcome await(Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			this.waiting++;
			try {
				long left = timeout.toNanos();
				while (this.outcome == null && left > 0) {
					TimeUnit.NANOSECONDS.timedWait(this, left);
					left = deadline - System.nanoTime();
				}
			}
			finally {
				this.waiting--;
			}
			if (this.failure != null) {
				throw this.failure;
			}
			return this.outcome;
		}

		// a failure is reported once: to the callers waiting for it, else in the log
		synchronized void end(Outcome outcome, @Nullable RuntimeException failure) {
			this.outcome = outcome;
			this.failure = failure;
			if (failure != null && this.waiting == 0) {
				String work = this.task.kind().word();
				if (failure instanceof BackfillException) {
					logger.warn("Backfill '{}': {} asked by {} failed: {}", this.backfill, work, this.by,
							failure.getMessage());
				}
				else {
					logger.error("Backfill '{}': {} asked by {} failed", this.backfill, work, this.by, failure);
				}
			}
			notifyAll();
		}

	}

}

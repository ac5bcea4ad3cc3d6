package dev.backfill;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A run, dry-run, verify or rollback a {@link BackfillOperator} started on a thread of
 * its own ({@link BackfillOperator#start}): who asked and when while it goes on, and how
 * it ended once it did, for anyone who holds it or asks the operator for it
 * ({@link BackfillOperator#lastStarted}).
 *
 * @since 0.1.0
 */
public interface BackgroundWork {

	/**
	 * @return the backfill name
	 */
	String backfill();

	/**
	 * @return what was asked
	 */
	Task task();

	/**
	 * @return who asked, for status and logs
	 */
	String by();

	/**
	 * @return when it started
	 */
	Instant startedAt();

	/**
	 * @return how it ended, or {@code null} while it goes on
	 */
	@Nullable Outcome outcome();

	/**
	 * Waits for the work to end: how a caller answers what fails at once (already
	 * running, a declaration the database refuses, an empty table) itself. A failure that
	 * no caller waited for is logged when it happens.
	 * @param timeout longest wait
	 * @return how it ended, or {@code null} when it still goes on after the timeout
	 * @throws InterruptedException when the waiting thread is interrupted
	 * @throws BackfillException the failure the work ended with (its subclasses as the
	 * synchronous call throws them), handed to this caller rather than logged
	 */
	@Nullable Outcome await(Duration timeout) throws InterruptedException;

	/**
	 * What background work does, with its options.
	 *
	 * @param kind run, dry-run, verify or rollback
	 * @param runOptions the options of a run
	 * @param dryRunOptions the options of a dry-run
	 * @since 0.1.0
	 */
	record Task(Kind kind, RunOptions runOptions, DryRunOptions dryRunOptions) {

		/**
		 * Checks the task.
		 * @param kind run, dry-run, verify or rollback
		 * @param runOptions the options of a run
		 * @param dryRunOptions the options of a dry-run
		 */
		public Task {
			Objects.requireNonNull(kind, "kind");
			Objects.requireNonNull(runOptions, "runOptions");
			Objects.requireNonNull(dryRunOptions, "dryRunOptions");
		}

		/**
		 * @param options overrides for the run
		 * @return a run ({@link BackfillOperator#run})
		 */
		public static Task run(RunOptions options) {
			return new Task(Kind.RUN, options, DryRunOptions.defaults());
		}

		/**
		 * @param options the dry-run's batch size and sample bounds
		 * @return a dry-run ({@link BackfillOperator#dryRun})
		 */
		public static Task dryRun(DryRunOptions options) {
			return new Task(Kind.DRY_RUN, RunOptions.defaults(), options);
		}

		/**
		 * @return a verify ({@link BackfillOperator#verify})
		 */
		public static Task verify() {
			return new Task(Kind.VERIFY, RunOptions.defaults(), DryRunOptions.defaults());
		}

		/**
		 * @return a rollback ({@link BackfillOperator#rollback})
		 */
		public static Task rollback() {
			return new Task(Kind.ROLLBACK, RunOptions.defaults(), DryRunOptions.defaults());
		}

	}

	/**
	 * The work background work does.
	 *
	 * @since 0.1.0
	 */
	enum Kind {

		/** A run, or the resume of an unfinished one. */
		RUN("run"),

		/** A dry-run: an estimate, nothing committed. */
		DRY_RUN("dry-run"),

		/** A verify of the work, read-only. */
		VERIFY("verify"),

		/** A rollback of the committed ranges. */
		ROLLBACK("rollback");

		private final String word;

		Kind(String word) {
			this.word = word;
		}

		/**
		 * @return how logs, messages and the command line call it, such as
		 * {@code dry-run}
		 */
		public String word() {
			return this.word;
		}

	}

	/**
	 * How background work ended.
	 *
	 * @param endedAt when it ended
	 * @param message what it did or why it failed, in words, such as
	 * {@code completed: 2,500 rows in 5 batches}
	 * @param failed whether it failed: it threw, or its run or rollback ended
	 * {@link BackfillState#FAILED} (a verify that finds discrepancies did not fail: its
	 * message counts them)
	 * @since 0.1.0
	 */
	record Outcome(Instant endedAt, String message, boolean failed) {

		/**
		 * Checks the outcome.
		 * @param endedAt when it ended
		 * @param message what it did or why it failed
		 * @param failed whether it failed
		 */
		public Outcome {
			Objects.requireNonNull(endedAt, "endedAt");
			Objects.requireNonNull(message, "message");
		}

	}

}

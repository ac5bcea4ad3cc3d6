package dev.backfill;

/**
 * The state of a backfill's latest run.
 *
 * @since 0.1.0
 */
public enum BackfillState {

	/** Never run. */
	NEVER_RUN,

	/**
	 * A partition of a run split into partitions that no thread or worker took yet.
	 * @since 0.2.0
	 */
	WAITING,

	/** A live process runs it. */
	RUNNING,

	/**
	 * A live process runs it, held before its next batch by {@code backfill pause}; no
	 * batch is in flight.
	 */
	PAUSED,

	/** Its process died mid-run; the next run resumes from the checkpoint. */
	DEAD,

	/** Stopped on request; the next run resumes from the checkpoint. */
	STOPPED,

	/** Failed; the next run resumes from the checkpoint. */
	FAILED,

	/** Finished. */
	COMPLETED,

	/** Undone by {@code backfill rollback}; the next run starts from the first key. */
	ROLLED_BACK,

	/**
	 * The outcome of a {@code backfill rollback} that found nothing to undo: no batch was
	 * committed since the last rollback, so it changed nothing and recorded nothing. Only
	 * a {@link BackfillResult} holds it; the backfill's {@link BackfillStatus status}
	 * stays what it was.
	 */
	NOTHING_TO_ROLL_BACK

}

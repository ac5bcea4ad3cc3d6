package dev.backfill;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Runs backfills and reports on them, as Spring Batch's {@code JobOperator} does for
 * jobs.
 *
 * @since 0.1.0
 */
public interface BackfillOperator {

	/**
	 * @return the declared backfills, in name order
	 */
	List<Backfill> backfills();

	/**
	 * Runs a backfill to its end in the calling thread: starts it, or resumes its
	 * unfinished run from the checkpoint, recovering a run whose process died.
	 * @param name the backfill name
	 * @param options overrides for this run
	 * @param listener receives progress after each committed batch
	 * @return how the run ended
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @throws BackfillAlreadyRunningException when a live process runs it
	 * @throws InvalidBackfillException when the declaration does not match the database
	 * @throws MissingPrivilegeException when the role may not write the table or the
	 * batch log
	 */
	BackfillResult run(String name, RunOptions options, ProgressListener listener);

	/**
	 * Estimates a run without changing the table: applies a stratified sample of batches,
	 * each rolled back, and extrapolates rows, wall time, lock time and WAL; applies one
	 * sampled batch twice to check idempotency. The dry-run is recorded in the job
	 * repository as its own job execution, and its estimate shows in
	 * {@link #status(String)}.
	 * @param name the backfill name
	 * @param options the batch size to estimate for and the sample's bounds
	 * @return the estimate
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @throws InvalidBackfillException when the declaration does not match the database
	 * @throws CannotEstimateException when the table is empty, smaller than the sample
	 * asked for, or read-only
	 * @throws BackfillAlreadyRunningException when a live process runs the backfill
	 * @throws MissingPrivilegeException when the role may not write the table, even to
	 * roll back
	 */
	Estimate dryRun(String name, DryRunOptions options);

	/**
	 * Checks a backfill's work, read-only, in keyset batches over the whole table: every
	 * key still matching the pending condition, and every key the declared check
	 * ({@link Backfill.SqlBuilder#verify(String)},
	 * {@link Backfill.JavaBuilder#verify(RowCheck)}) finds wrong, is logged with what is
	 * wrong into {@code BACKFILL_DISCREPANCY} under the verify's job execution. Recorded
	 * in the job repository as job {@code NAME:verify}; a verify that died or failed
	 * resumes from its checkpoint. The latest one shows in {@link #status(String)}.
	 * @param name the backfill name
	 * @return what it found
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @throws BackfillAlreadyRunningException when a live process runs, verifies or rolls
	 * back the backfill
	 * @throws InvalidBackfillException when the declaration does not match the database
	 * @throws MissingPrivilegeException when the role may not read the table or write the
	 * discrepancies
	 */
	default Verification verify(String name) {
		return verify(name, RunOptions.defaults());
	}

	/**
	 * Verifies a backfill as {@link #verify(String)} does, split into partitions of about
	 * equal rows checked side by side by threads of this process when the options ask for
	 * a parallelism; the verification sums the partitions'. An unfinished verify resumes
	 * in the shape it started in.
	 * @param name the backfill name
	 * @param options the parallelism of a new verify (its batch size is the configured
	 * one)
	 * @return what it found
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @throws BackfillAlreadyRunningException when a live process runs, verifies or rolls
	 * back the backfill
	 * @since 0.2.0
	 */
	Verification verify(String name, RunOptions options);

	/**
	 * Undoes a backfill: runs its declared rollback statement over the key ranges its
	 * runs committed since the last rollback (read from the batch log), in batches, with
	 * the timeouts, retries, throttles, checkpoint and batch log of a run. Recorded in
	 * the job repository as job {@code NAME:rollback}; an unfinished rollback resumes.
	 * After a rollback, {@link #run} starts from the first key.
	 * @param name the backfill name
	 * @param listener receives progress after each committed batch
	 * @return how it ended; {@link BackfillState#NOTHING_TO_ROLL_BACK} when no batch was
	 * committed since the last rollback, so there was nothing to undo
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @throws OneWayBackfillException when the backfill is declared one-way
	 * @throws BackfillAlreadyRunningException when a live process runs, verifies or rolls
	 * back the backfill
	 * @throws InvalidBackfillException when the declaration does not match the database
	 * @throws MissingPrivilegeException when the role may not write the table or the
	 * batch log
	 */
	default BackfillResult rollback(String name, ProgressListener listener) {
		return rollback(name, RunOptions.defaults(), listener);
	}

	/**
	 * Undoes a backfill as {@link #rollback(String, ProgressListener)} does, split into
	 * partitions walked side by side when the options ask for a parallelism: each stretch
	 * of committed keys is cut into partitions, by threads of this process or by worker
	 * processes ({@link RunOptions#remote()}).
	 * @param name the backfill name
	 * @param options the batch size, parallelism and remote workers of a new rollback
	 * @param listener receives progress after each committed batch
	 * @return how it ended; {@link BackfillState#NOTHING_TO_ROLL_BACK} when no batch was
	 * committed since the last rollback, so there was nothing to undo
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @throws OneWayBackfillException when the backfill is declared one-way
	 * @throws BackfillAlreadyRunningException when a live process runs, verifies or rolls
	 * back the backfill
	 * @throws InvalidBackfillException when the declaration does not match the database
	 * @throws MissingPrivilegeException when the role may not write the table or the
	 * batch log
	 * @since 0.2.0
	 */
	BackfillResult rollback(String name, RunOptions options, ProgressListener listener);

	/**
	 * The backfills whose run completed and whose latest verify passed longer ago than
	 * their {@link Removal}: remove them, and the old path they replaced, from the code.
	 * @return the notices, in name order
	 */
	List<RemovalNotice> removalsDue();

	/**
	 * Asks a running backfill to stop once its batch in flight has committed, whether it
	 * runs in this process or in another one (through the job repository, which the
	 * running process reads at every batch). The run ends {@link BackfillState#STOPPED};
	 * {@link #run} resumes it.
	 * @param name the backfill name
	 * @return whether a run was asked to stop; {@code false} when none is running
	 * @throws NoSuchBackfillException when no backfill has that name
	 */
	boolean stop(String name);

	/**
	 * Pauses a backfill, from any process: its run holds before its next batch, alive,
	 * with its place and no transaction or row lock, until {@link #resume(String)}. A run
	 * started while paused holds before its first batch.
	 * @param name the backfill name
	 * @param by who pauses it, for status and logs
	 * @throws NoSuchBackfillException when no backfill has that name
	 */
	void pause(String name, String by);

	/**
	 * Lets a paused backfill go on; its run takes its next batch within a second.
	 * @param name the backfill name
	 * @return whether it was paused
	 * @throws NoSuchBackfillException when no backfill has that name
	 */
	boolean resume(String name);

	/**
	 * Asks every run of this process to stop once its batch in flight has committed, and
	 * waits for them: what the application does when it is asked to shut down (SIGTERM,
	 * Ctrl-C).
	 * @param timeout longest wait
	 * @return whether every run ended within the timeout
	 */
	boolean stopAll(java.time.Duration timeout);

	/**
	 * Reports on a backfill's latest run.
	 * @param name the backfill name
	 * @return its status
	 * @throws NoSuchBackfillException when no backfill has that name
	 */
	BackfillStatus status(String name);

	/**
	 * Whether a backfill is done and proven, so that the contract step of its migration
	 * may run: its latest run completed and a verify after it found no discrepancy. A
	 * backfill no longer declared answers from the job repository's record of it.
	 * @param name the backfill name
	 * @return the verdict, with why not and what to do
	 * @throws NoSuchBackfillException when none is declared under the name and the job
	 * repository records none
	 * @since 0.3.0
	 */
	default Readiness readiness(String name) {
		return Readiness.of(status(name));
	}

	/**
	 * Starts a run, dry-run, verify or rollback on a thread of its own and returns at
	 * once: what the endpoint, the status page and an application use to start work they
	 * do not wait for. The work is what {@link #run}, {@link #dryRun}, {@link #verify} or
	 * {@link #rollback} does, with no progress listener but the operator's own; its
	 * failures, including what fails at once (a run lock another process holds, a
	 * declaration the database refuses), end its {@link BackgroundWork#outcome()}, and
	 * are thrown to a caller that {@linkplain BackgroundWork#await waits} for them. Work
	 * started here does not keep the JVM alive; {@link #stopAll} stops its runs.
	 * @param name the backfill name
	 * @param task what to do, with its options
	 * @param by who asks, for status and logs
	 * @return the work, going on
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @throws BackfillAlreadyRunningException when the backfill runs or is paused, in any
	 * process, or when work this operator started on it goes on
	 */
	BackgroundWork start(String name, BackgroundWork.Task task, String by);

	/**
	 * The latest work this operator {@linkplain #start started} on a backfill, going on
	 * or ended: how a failure nobody waited for shows, besides the log.
	 * @param name the backfill name
	 * @return the work, or {@code null} when none was started since the operator was
	 * created
	 * @throws NoSuchBackfillException when no backfill has that name
	 */
	@Nullable BackgroundWork lastStarted(String name);

	/**
	 * The latest batches a backfill's runs committed, read from the batch log.
	 * @param name the backfill name
	 * @param limit most batches to return
	 * @return the batches, oldest first
	 * @throws NoSuchBackfillException when no backfill has that name
	 */
	List<BatchSummary> recentBatches(String name, int limit);

	/**
	 * The latest executions of a backfill's runs, read from the job repository (the job
	 * named as the backfill): one per start or resume, newest first.
	 * @param name the backfill name
	 * @param limit most executions to return, at least 1
	 * @return the executions, newest first
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @since 0.2.0
	 */
	List<RunSummary> history(String name, int limit);

	/**
	 * Checks every declaration against the database: tables, columns, key, and that its
	 * statements plan. A role that may only read passes: the statements it may not plan
	 * are logged as unchecked, and checked when a role that may write runs the backfill.
	 * @throws InvalidBackfillException naming every problem of every declaration that
	 * does not fit
	 * @throws MissingPrivilegeException when the role may not read the job repository or
	 * the library's tables, or may not create those that are missing
	 */
	void validate();

}

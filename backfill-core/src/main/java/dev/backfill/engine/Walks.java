package dev.backfill.engine;

import java.util.Objects;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillResult;
import dev.backfill.KeyRange;
import dev.backfill.OneWayBackfillException;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs and rollbacks, the two walks over a backfill's keys that commit: each resumes its
 * unfinished execution, and a new rollback undoes what the runs since the last one
 * committed.
 */
final class Walks {

	private static final Logger logger = LoggerFactory.getLogger(Walks.class);

	private final DeclarationCheck check;

	private final LockedRuns locked;

	private final Tunings tunings;

	private final BackfillJobs jobs;

	private final Executions executions;

	private final BackfillHistory history;

	private final JdbcBatchLog log;

	private final JdbcClient jdbc;

	Walks(DeclarationCheck check, LockedRuns locked, Tunings tunings, BackfillJobs jobs, Executions executions,
			BackfillHistory history, JdbcBatchLog log, JdbcClient jdbc) {
		this.check = check;
		this.locked = locked;
		this.tunings = tunings;
		this.jobs = jobs;
		this.executions = executions;
		this.history = history;
		this.log = log;
		this.jdbc = jdbc;
	}

	BackfillResult run(Backfill backfill, RunOptions options, ProgressListener listener) {
		String name = backfill.name();
		this.check.checkRepository();
		TableShape shape = this.check.shape(backfill, DeclarationCheck.Work.RUN);
		return this.locked.holding(name, "Backfill '" + name + "'", "run it again to resume it", (lock, stoppable) -> {
			RunPlan plan = this.tunings.plan(backfill, Pass.run(backfill, shape), shape, options.batchSize(), listener,
					lock, null);
			JobHandle<BackfillTasklet> run = this.jobs.build(plan);
			stoppable.accept(run.tasklet()::requestStop);
			return this.executions.run(plan, run, () -> resumableRun(name));
		});
	}

	// the run to restart, as the job repository says now: the last one unless it
	// completed or a rollback undid it
	private @Nullable JobExecution resumableRun(String name) {
		JobExecution previous = this.history.last(name);
		JobExecution rollback = this.history.last(JobNames.rollback(name));
		if (BackfillHistory.unfinished(rollback)) {
			throw new BackfillException("Backfill '" + name + "' has an unfinished rollback (job execution "
					+ rollback.getId() + ", " + rollback.getStatus() + "). Finish it first with 'backfill rollback "
					+ name + "', then run it again.");
		}
		if (previous != null && rollback != null && rollback.getId() > previous.getId()) {
			// a rollback undid the last run: the next one starts from the first key
			return null;
		}
		return BackfillHistory.unfinished(previous) ? previous : null;
	}

	BackfillResult rollback(Backfill backfill, ProgressListener listener) {
		String name = backfill.name();
		if (backfill.rollback() == null) {
			throw new OneWayBackfillException(name, Objects.requireNonNull(backfill.oneWay()));
		}
		this.check.checkRepository();
		TableShape shape = this.check.shape(backfill, DeclarationCheck.Work.ROLLBACK);
		String job = JobNames.rollback(name);
		return this.locked.holding(name, "Rollback of '" + name + "'", "'backfill rollback " + name + "' resumes it",
				(lock, stoppable) -> {
					JobExecution previous = this.history.last(job);
					KeyRange committed = null;
					if (!BackfillHistory.unfinished(previous)) {
						JobExecution lastRun = this.history.last(name);
						long since = (previous != null) ? previous.getId() : 0;
						committed = (lastRun != null && lastRun.getId() > since) ? committedRange(name, shape, since)
								: null;
						if (committed == null) {
							logger.info("Backfill '{}': nothing to roll back, no batch was committed since the last "
									+ "rollback", name);
							return BackfillResult.nothingToRollBack(name);
						}
						if (BackfillHistory.isRunning(lastRun) || BackfillHistory.isUnknown(lastRun)) {
							// we hold the run lock: the process that ran it died; its
							// checkpoint is what it committed
							this.executions.markFailed(lastRun);
						}
						logger.info("Backfill '{}': rolling back the ranges it committed, {}", name, committed);
					}
					RunPlan plan = this.tunings.plan(backfill, Pass.rollback(backfill, shape), shape, 0, listener, lock,
							committed);
					JobHandle<BackfillTasklet> run = this.jobs.build(plan);
					stoppable.accept(run.tasklet()::requestStop);
					return this.executions.run(plan, run, () -> {
						JobExecution last = this.history.last(job);
						return BackfillHistory.unfinished(last) ? last : null;
					});
				});
	}

	// the union of the ranges the runs after a job execution committed, in the key
	// column's own order
	private @Nullable KeyRange committedRange(String name, TableShape shape, long afterExecution) {
		return this.log.committedRange(name, afterExecution, shape.keyType(), shape.keyCollation(this.jdbc))
			.orElse(null);
	}

}

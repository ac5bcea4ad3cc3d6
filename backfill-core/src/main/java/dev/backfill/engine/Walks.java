package dev.backfill.engine;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillResult;
import dev.backfill.KeyRange;
import dev.backfill.OneWayBackfillException;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;

/**
 * Runs and rollbacks, the two walks over a backfill's keys that commit: each resumes its
 * unfinished execution, and a new rollback undoes what the runs since the last one
 * committed.
 */
final class Walks {

	private static final Logger logger = LoggerFactory.getLogger(Walks.class);

	private final Engine engine;

	Walks(Engine engine) {
		this.engine = engine;
	}

	BackfillResult run(Backfill backfill, RunOptions options, ProgressListener listener) {
		String name = backfill.name();
		TableShape shape = this.engine.shape(backfill, DeclarationCheck.Work.RUN);
		return this.engine.locked()
			.holding(name, "Backfill '" + name + "'", "run it again to resume it", (lock, stoppable) -> {
				RunPlan plan = this.engine.tunings()
					.plan(backfill, Pass.run(backfill, shape), shape, options.batchSize(), listener, lock, null);
				return launch(plan, stoppable, () -> resumableRun(name));
			});
	}

	// the run to restart, as the job repository says now: the last one unless it
	// completed or a rollback undid it
	private @Nullable JobExecution resumableRun(String name) {
		JobExecution previous = this.engine.history().last(name);
		JobExecution rollback = this.engine.history().last(JobNames.rollback(name));
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
		TableShape shape = this.engine.shape(backfill, DeclarationCheck.Work.ROLLBACK);
		return this.engine.locked()
			.holding(name, "Rollback of '" + name + "'", "'backfill rollback " + name + "' resumes it",
					(lock, stoppable) -> rollback(backfill, shape, listener, lock, stoppable));
	}

	// a new rollback undoes the ranges the runs since the last one committed; an
	// unfinished one restarts with its own
	private BackfillResult rollback(Backfill backfill, TableShape shape, ProgressListener listener, RunLock lock,
			Consumer<Runnable> stoppable) throws Exception {
		String name = backfill.name();
		String job = JobNames.rollback(name);
		BackfillHistory history = this.engine.history();
		JobExecution previous = history.last(job);
		KeyRange committed = null;
		if (!BackfillHistory.unfinished(previous)) {
			JobExecution lastRun = history.last(name);
			long since = (previous != null) ? previous.getId() : 0;
			committed = (lastRun != null && lastRun.getId() > since) ? committedRange(name, shape, since) : null;
			if (committed == null) {
				logger.info("Backfill '{}': nothing to roll back, no batch was committed since the last rollback",
						name);
				return BackfillResult.nothingToRollBack(name);
			}
			if (BackfillHistory.isRunning(lastRun) || BackfillHistory.isUnknown(lastRun)) {
				// we hold the run lock: the process that ran it died; its checkpoint is
				// what it committed
				this.engine.executions().markFailed(lastRun);
			}
			logger.info("Backfill '{}': rolling back the ranges it committed, {}", name, committed);
		}
		RunPlan plan = this.engine.tunings()
			.plan(backfill, Pass.rollback(backfill, shape), shape, 0, listener, lock, committed);
		return launch(plan, stoppable, () -> {
			JobExecution last = history.last(job);
			return BackfillHistory.unfinished(last) ? last : null;
		});
	}

	// builds the plan's job, stoppable while it goes, then runs it or restarts the
	// execution that resumable finds
	private BackfillResult launch(RunPlan plan, Consumer<Runnable> stoppable,
			Supplier<@Nullable JobExecution> resumable) throws Exception {
		JobHandle<BackfillTasklet> run = this.engine.jobs().build(plan);
		stoppable.accept(run.tasklet()::requestStop);
		return this.engine.executions().run(plan, run, resumable);
	}

	// the union of the ranges the runs after a job execution committed, in the key
	// column's own order
	private @Nullable KeyRange committedRange(String name, TableShape shape, long afterExecution) {
		return this.engine.log()
			.committedRange(name, afterExecution, shape.keyType(), shape.keyCollation(this.engine.jdbc()))
			.orElse(null);
	}

}

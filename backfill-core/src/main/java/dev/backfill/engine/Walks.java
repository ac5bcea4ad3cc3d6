package dev.backfill.engine;

import java.util.List;
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
		new RunOrder(this.engine.history()).check(backfill);
		return this.engine.locked()
			.holding(name, "Backfill '" + name + "'", "run it again to resume it", (lock, stoppable) -> {
				RunPlan plan = this.engine.tunings()
					.plan(backfill, Pass.run(backfill, shape), shape, options, listener, lock, null);
				return launch(plan, null, stoppable, () -> resumableRun(name));
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

	BackfillResult rollback(Backfill backfill, RunOptions options, ProgressListener listener) {
		String name = backfill.name();
		if (backfill.rollback() == null) {
			throw new OneWayBackfillException(name, Objects.requireNonNull(backfill.oneWay()));
		}
		TableShape shape = this.engine.shape(backfill, DeclarationCheck.Work.ROLLBACK);
		return this.engine.locked()
			.holding(name, "Rollback of '" + name + "'", "'backfill rollback " + name + "' resumes it",
					(lock, stoppable) -> rollback(backfill, shape, options, listener, lock, stoppable));
	}

	// a new rollback undoes the ranges the runs since the last one committed; an
	// unfinished one restarts with its own
	private BackfillResult rollback(Backfill backfill, TableShape shape, RunOptions options, ProgressListener listener,
			RunLock lock, Consumer<Runnable> stoppable) throws Exception {
		String name = backfill.name();
		String job = JobNames.rollback(name);
		BackfillHistory history = this.engine.history();
		JobExecution previous = history.last(job);
		List<KeyRange> committed;
		if (BackfillHistory.unfinished(previous)) {
			// what it undoes: the ranges committed since the rollback before it, which no
			// run can have added to while it is unfinished
			JobExecution before = history.lastBefore(job, previous);
			committed = committedRanges(name, shape, (before != null) ? before.getId() : 0);
		}
		else {
			JobExecution lastRun = history.last(name);
			long since = (previous != null) ? previous.getId() : 0;
			committed = (lastRun != null && lastRun.getId() > since) ? committedRanges(name, shape, since) : List.of();
			if (committed.isEmpty()) {
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
			.plan(backfill, Pass.rollback(backfill, shape), shape, options, listener, lock, null);
		// one stretch of committed keys is undone as a bounded walk; several (a run
		// split into partitions that stopped), or a parallelism, as partitions
		PartitionPlan partitions = null;
		if (committed.size() > 1 || plan.parallelism() > 1 || plan.remote()) {
			partitions = RollbackPartitions.of(committed, shape, this.engine.jdbc(), plan.parallelism());
		}
		else if (committed.size() == 1) {
			plan = plan.undoing(committed.get(0));
		}
		return launch(plan, partitions, stoppable, () -> {
			JobExecution last = history.last(job);
			return BackfillHistory.unfinished(last) ? last : null;
		});
	}

	// builds the plan's job in the shape of the execution it resumes, or in the plan's,
	// stoppable while it goes, then runs it or restarts the execution that resumable
	// finds
	private BackfillResult launch(RunPlan plan, @Nullable PartitionPlan given, Consumer<Runnable> stoppable,
			Supplier<@Nullable JobExecution> resumable) throws Exception {
		WalkShape shape = shape(plan, given, resumable.get());
		JobHandle<RunTasklets> run = this.engine.jobs().build(plan, shape);
		stoppable.accept(run.tasklet()::requestStop);
		return this.engine.executions().run(plan, run, resumable);
	}

	// a walk resumes in the shape it started in, with as many threads as asked, or as it
	// has partitions when nothing asks more than one
	private WalkShape shape(RunPlan plan, @Nullable PartitionPlan given, @Nullable JobExecution resumed) {
		String name = plan.jobName();
		int asked = plan.parallelism();
		if (resumed != null) {
			int partitions = WalkShape.partitionsOf(resumed);
			if (!WalkShape.isPartitioned(resumed)) {
				// its checkpoint is one walk's: cut into partitions, it would start over
				if (asked > 1 || plan.remote()) {
					logger.info(
							"Backfill '{}' resumes in one walk in this process, as it started; a parallelism "
									+ "of {}{} applies to its next run",
							name, asked, plan.remote() ? " on workers" : "");
				}
				return WalkShape.ONE_STEP;
			}
			int threads = (asked > 1) ? asked : partitions;
			if (asked > 1 && asked != partitions) {
				logger.info("Backfill '{}' resumes its {} partitions, {} at a time", name, partitions,
						Math.min(threads, partitions));
			}
			WalkShape shape = new WalkShape(partitions, Math.min(threads, partitions), null, false);
			return plan.remote() ? shape.toWorkers() : shape;
		}
		WalkShape shape = (given != null) ? WalkShape.over(given, asked) : WalkShape.split(asked, asked);
		if (plan.remote()) {
			// one partition is still a partition: a worker walks it
			return (shape.partitioned() ? shape : new WalkShape(1, 1, null, false)).toWorkers();
		}
		return shape;
	}

	// the ranges the runs after a job execution committed, merged, in the key column's
	// own order
	private List<KeyRange> committedRanges(String name, TableShape shape, long afterExecution) {
		return this.engine.log()
			.committedRanges(name, afterExecution, shape.key(), shape.keyCollations(this.engine.jdbc()));
	}

}

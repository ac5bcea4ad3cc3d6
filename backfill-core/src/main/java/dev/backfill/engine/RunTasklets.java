package dev.backfill.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.backfill.jdbc.RunLock;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The tasklet of the step that walks a run's keys: a {@link BackfillTasklet} of its own
 * for each step execution, so that the partitions of a run, each an execution of the one
 * worker step, walk side by side in their own threads. A run in one step has one.
 */
final class RunTasklets implements Tasklet, StepExecutionListener {

	private final Supplier<BackfillTasklet> tasklets;

	private final RunInProcess run;

	private final Map<Long, BackfillTasklet> walking = new ConcurrentHashMap<>();

	/** Partition locks taken by a worker before it started the partition's step. */
	private final Map<Long, RunLock> held = new ConcurrentHashMap<>();

	/** Rows the last walk that ended here changed across restarts: a one-step run's. */
	private volatile long rowsDone;

	RunTasklets(Supplier<BackfillTasklet> tasklets, RunInProcess run) {
		this.tasklets = tasklets;
		this.run = run;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		BackfillTasklet tasklet = this.tasklets.get();
		RunLock lock = this.held.remove(stepExecution.getId());
		if (lock != null) {
			tasklet.holding(lock);
		}
		this.walking.put(stepExecution.getId(), tasklet);
		tasklet.beforeStep(stepExecution);
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
		long id = chunkContext.getStepContext().getStepExecution().getId();
		BackfillTasklet tasklet = this.walking.get(id);
		if (tasklet == null) {
			throw new IllegalStateException("No walk for step execution " + id);
		}
		return tasklet.execute(contribution, chunkContext);
	}

	@Override
	public @Nullable ExitStatus afterStep(StepExecution stepExecution) {
		BackfillTasklet tasklet = this.walking.remove(stepExecution.getId());
		if (tasklet == null) {
			return null;
		}
		this.rowsDone = tasklet.rowsDone();
		return tasklet.afterStep(stepExecution);
	}

	/**
	 * The partition of a step execution is to be walked holding a lock its caller took.
	 * @param stepExecutionId the partition's step execution
	 * @param lock its lock, held
	 */
	void walkWith(long stepExecutionId, RunLock lock) {
		this.held.put(stepExecutionId, lock);
	}

	/** This worker process leaves: its walks end after their batch in flight. */
	void leave() {
		this.run.leave();
	}

	/**
	 * Asks every walk of the run to stop before its next batch; batches in flight commit.
	 */
	void requestStop() {
		this.run.requestStop();
	}

	/**
	 * @return rows changed in this process, by every walk; for a run handed to workers,
	 * by the workers in this execution
	 */
	long rows() {
		return this.run.rows();
	}

	/**
	 * @return batches committed in this process, by every walk; for a run handed to
	 * workers, by the workers in this execution
	 */
	long batches() {
		return this.run.batches();
	}

	/**
	 * @return rows the last walk that ended changed across restarts: for a run in one
	 * step, the run's
	 */
	long rowsDone() {
		return this.rowsDone;
	}

}

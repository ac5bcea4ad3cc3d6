package dev.backfill.engine;

import org.jspecify.annotations.Nullable;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How a run or a rollback walks its keys: in one step, or split into partitions that
 * threads of this process walk side by side. A walk keeps its shape across restarts: its
 * number of partitions is a job parameter, and the partitions' ranges are in the
 * partitioned step's context.
 *
 * @param partitions how many partitions to cut a new walk into; 1 for one step
 * @param threads how many partitions this process walks at once
 * @param fixed the partitions when they are given (a rollback's committed ranges), or
 * {@code null} to cut the keys by their statistics
 * @param remote whether worker processes walk the partitions, rather than threads of this
 * one
 */
record WalkShape(int partitions, int threads, @Nullable PartitionPlan fixed, boolean remote) {

	/** The job parameter that holds a partitioned walk's number of partitions. */
	static final String PARTITIONS = "backfill.partitions";

	/**
	 * The job parameter that holds the fixed batch size of a partitioned walk, which its
	 * workers use rather than their own.
	 */
	static final String BATCH_SIZE = "backfill.batchSize";

	/** One step, one thread: every walk before partitions existed. */
	static final WalkShape ONE_STEP = new WalkShape(1, 1, null, false);

	WalkShape {
		if (partitions < 1 || threads < 1) {
			throw new IllegalArgumentException(
					"partitions " + partitions + " and threads " + threads + " must both be at least 1");
		}
	}

	/**
	 * @param partitions how many partitions to cut the keys into
	 * @param threads how many this process walks at once
	 * @return the shape; one step when {@code partitions} is 1
	 */
	static WalkShape split(int partitions, int threads) {
		return (partitions <= 1) ? ONE_STEP : new WalkShape(partitions, Math.min(partitions, threads), null, false);
	}

	/**
	 * @return the same partitions, walked by worker processes
	 */
	WalkShape toWorkers() {
		return new WalkShape(this.partitions, this.threads, this.fixed, true);
	}

	/**
	 * @param plan the partitions
	 * @param threads how many this process walks at once
	 * @return the shape of a walk over given partitions
	 */
	static WalkShape over(PartitionPlan plan, int threads) {
		int partitions = plan.partitions().size();
		return new WalkShape(partitions, Math.max(1, Math.min(partitions, threads)), plan, false);
	}

	/**
	 * @param execution an execution of a run or a rollback
	 * @return how many partitions it was split into, 1 for one step
	 */
	static int partitionsOf(JobExecution execution) {
		Long partitions = execution.getJobParameters().getLong(PARTITIONS);
		return (partitions != null) ? partitions.intValue() : 1;
	}

	/**
	 * @param execution an execution of a run or a rollback
	 * @return whether it walks partitions (one, for a run handed whole to a worker)
	 */
	static boolean isPartitioned(JobExecution execution) {
		return execution.getJobParameters().getLong(PARTITIONS) != null;
	}

	/**
	 * @param execution an execution of a partitioned walk
	 * @return the fixed batch size it started with, or 0 when its batches adapt
	 */
	static int batchSizeOf(JobExecution execution) {
		Long size = execution.getJobParameters().getLong(BATCH_SIZE);
		return (size != null) ? size.intValue() : 0;
	}

	/**
	 * @return whether the walk is split into partitions
	 */
	boolean partitioned() {
		return this.partitions > 1 || this.fixed != null || this.remote;
	}

	/**
	 * Adds the shape to a new verify's job parameters.
	 * @param parameters the job parameters
	 */
	void addTo(JobParametersBuilder parameters) {
		if (partitioned()) {
			parameters.addLong(PARTITIONS, (long) this.partitions, false);
		}
	}

	/**
	 * Adds the shape to a new walk's job parameters, with its batch size when fixed.
	 * @param parameters the job parameters
	 * @param plan the walk
	 */
	void addTo(JobParametersBuilder parameters, RunPlan plan) {
		addTo(parameters);
		if (partitioned()) {
			if (plan.sizing() == null) {
				parameters.addLong(BATCH_SIZE, (long) plan.batchSize(), false);
			}
		}
	}

	/**
	 * @param plan the walk
	 * @param jdbc a client on the database
	 * @return the partitions of a new walk
	 */
	PartitionPlan plan(RunPlan plan, JdbcClient jdbc) {
		if (this.fixed != null) {
			return this.fixed;
		}
		return KeyPartitions.plan(jdbc, plan.shape(), plan.pass().remaining().pending(), this.partitions);
	}

}

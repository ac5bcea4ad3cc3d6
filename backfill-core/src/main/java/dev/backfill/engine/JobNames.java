package dev.backfill.engine;

/**
 * The Spring Batch names of a backfill's jobs and steps. A run's job is named exactly as
 * the backfill; its rollbacks, verifies and dry-runs add a suffix. Backfill names cannot
 * hold a ':', so a suffixed name never clashes with a backfill's.
 */
final class JobNames {

	/** Name of the step that walks the table, in a run and in a rollback. */
	static final String STEP = "backfill";

	/** Name of the step of a verify. */
	static final String VERIFY_STEP = "verify";

	/** Name of the step of a dry-run. */
	static final String DRY_RUN_STEP = "dry-run";

	/** Job parameter that marks a dry-run's executions in the job repository. */
	static final String DRY_RUN_PARAMETER = "backfill.dryRun";

	private static final String ROLLBACK_SUFFIX = ":rollback";

	private static final String VERIFY_SUFFIX = ":verify";

	private static final String DRY_RUN_SUFFIX = ":dry-run";

	private static final String PARTITION_SUFFIX = ":partition:";

	/**
	 * Exit code of a partition that failed for want of its connection or its lock, which
	 * its run hands out again.
	 */
	static final String HAND_OUT_AGAIN = "HAND_OUT_AGAIN";

	/**
	 * Name of the step that walks one partition of a run or a rollback split into
	 * partitions.
	 */
	static final String PARTITION_STEP = "partition";

	private JobNames() {
	}

	/**
	 * @param backfill a backfill name
	 * @return the job name of its rollbacks
	 */
	static String rollback(String backfill) {
		return backfill + ROLLBACK_SUFFIX;
	}

	/**
	 * @param job the job of a run or a rollback
	 * @return whether it is a rollback's
	 */
	static boolean isRollback(String job) {
		return job.endsWith(ROLLBACK_SUFFIX);
	}

	/**
	 * @param job the job of a run or a rollback
	 * @return the backfill it walks
	 */
	static String backfillOf(String job) {
		return isRollback(job) ? job.substring(0, job.length() - ROLLBACK_SUFFIX.length()) : job;
	}

	/**
	 * @param backfill a backfill name
	 * @return the job name of its verifies
	 */
	static String verify(String backfill) {
		return backfill + VERIFY_SUFFIX;
	}

	/**
	 * @param partition a partition, from 1
	 * @return its key in the names of its step executions, {@code partition:p0001}: the
	 * same on every restart
	 */
	static String partitionKey(int partition) {
		return String.format("p%04d", partition);
	}

	/**
	 * @param key a partition's key, {@code p0001}
	 * @return the name of its step executions, {@code partition:p0001}
	 */
	static String partitionStep(String key) {
		return PARTITION_STEP + ":" + key;
	}

	/**
	 * @param stepName a step execution's name
	 * @return whether it is a partition's
	 */
	static boolean isPartitionStep(String stepName) {
		return stepName.startsWith(PARTITION_STEP + ":");
	}

	/**
	 * @param job the job of a run or a rollback
	 * @param partition one of its partitions, from 1
	 * @return the name of the partition's own lock
	 */
	static String partitionLock(String job, int partition) {
		return job + PARTITION_SUFFIX + partition;
	}

	/**
	 * @param backfill a backfill name
	 * @return the job name of its dry-runs
	 */
	static String dryRun(String backfill) {
		return backfill + DRY_RUN_SUFFIX;
	}

}

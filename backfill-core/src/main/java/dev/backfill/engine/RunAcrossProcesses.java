package dev.backfill.engine;

import java.util.concurrent.locks.ReentrantLock;

import dev.backfill.jdbc.JdbcBatchLog;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;

/**
 * A run whose partitions worker processes walk, as the job repository and the batch log
 * show it across every process: what a worker's throttles need to pace the run as a
 * whole, not only its own part of it. Read at most once a second.
 */
final class RunAcrossProcesses {

	private static final long REFRESH_NANOS = 1_000_000_000L;

	private final JdbcBatchLog log;

	private final JobRepository jobRepository;

	private final long jobExecutionId;

	private final ReentrantLock reading = new ReentrantLock();

	private volatile long readAt;

	private volatile long batches;

	private volatile int running;

	RunAcrossProcesses(JdbcBatchLog log, JobRepository jobRepository, long jobExecutionId) {
		this.log = log;
		this.jobRepository = jobRepository;
		this.jobExecutionId = jobExecutionId;
	}

	/**
	 * @return batches the run committed so far, in every process; -1 until first read
	 */
	long committedBatches() {
		refresh();
		return (this.readAt != 0) ? this.batches : -1;
	}

	/**
	 * @return the run's partitions walking now, in every process
	 */
	int runningPartitions() {
		refresh();
		return this.running;
	}

	// one partition reads for all; the others take the figures as they are rather than
	// wait, holding their connections, for a connection of the pool
	private void refresh() {
		long now = System.nanoTime();
		if (this.readAt != 0 && now - this.readAt < REFRESH_NANOS || !this.reading.tryLock()) {
			return;
		}
		try {
			this.batches = this.log.committedBatches(this.jobExecutionId);
			JobExecution execution = this.jobRepository.getJobExecution(this.jobExecutionId);
			this.running = (execution == null) ? 0
					: (int) execution.getStepExecutions()
						.stream()
						.filter((s) -> PartitionPlan.number(s.getExecutionContext()) > 0 && s.getStatus().isRunning())
						.count();
			this.readAt = now;
		}
		finally {
			this.reading.unlock();
		}
	}

}

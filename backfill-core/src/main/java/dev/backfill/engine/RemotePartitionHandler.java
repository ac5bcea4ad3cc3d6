package dev.backfill.engine;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import dev.backfill.PartitionQueue;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.RunLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.partition.support.AbstractPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * Hands a run's partitions to worker processes through a {@link PartitionQueue} and polls
 * the job repository until every one ended: no reply travels back, so none can be lost. A
 * partition whose worker died (its step execution still running, its own lock free on two
 * polls in a row, so that the broker's redelivery had its chance) is handed out again as
 * a new execution of the same partition, with the context, and so the checkpoint, it
 * committed; one whose worker hangs with the lock held (no update for {@code staleAfter})
 * loses its sessions first. The old execution is marked failed before the new one exists:
 * a batch the old worker still commits fails on the step execution's version, with its
 * writes and its log row. A stop reaches the partitions still queued here, and the
 * running ones through the job repository.
 */
final class RemotePartitionHandler extends AbstractPartitionHandler {

	private static final Logger logger = LoggerFactory.getLogger(RemotePartitionHandler.class);

	/**
	 * How often a partition that failed for want of its connection is handed out again.
	 */
	private static final int MAX_HAND_OUTS = 5;

	private final PartitionQueue queue;

	/** The run in this process: a stop asked here is passed on to the workers. */
	private final RunInProcess run;

	private final JobRepository jobRepository;

	private final DataSource dataSource;

	private final String jobName;

	private final JdbcBatchLog log;

	private final Duration pollInterval;

	private final Duration staleAfter;

	RemotePartitionHandler(PartitionQueue queue, JobRepository jobRepository, DataSource dataSource, JdbcBatchLog log,
			String jobName, RemoteSettings settings, RunInProcess run) {
		this.run = run;
		this.log = log;
		this.queue = queue;
		this.jobRepository = jobRepository;
		this.dataSource = dataSource;
		this.jobName = jobName;
		this.pollInterval = settings.pollInterval();
		this.staleAfter = settings.staleAfter();
	}

	@Override
	protected Set<StepExecution> doHandle(StepExecution manager, Set<StepExecution> partitions) throws Exception {
		// by step name (partition:p0001), which stays when a partition is handed out
		// again
		Map<String, StepExecution> tracked = new LinkedHashMap<>();
		Set<String> unsent = new HashSet<>();
		for (StepExecution partition : partitions) {
			tracked.put(partition.getStepName(), partition);
			unsent.add(partition.getStepName());
		}
		logger.info("Backfill '{}' hands {} partitions to its workers", this.jobName, partitions.size());
		Map<String, Integer> deadPolls = new HashMap<>();
		Map<String, Integer> handedOut = new HashMap<>();
		Set<String> ended = new HashSet<>();
		Map<Integer, Long> seen = new TreeMap<>();
		while (true) {
			sendAll(tracked, unsent);
			Thread.sleep(this.pollInterval.toMillis());
			JobExecution job = manager.getJobExecution();
			if (this.run.stop().get() && !job.isStopping()) {
				// the workers read it from the job repository, saved here on the run's
				// own
				// execution, which the run saves again when it ends
				job.setStatus(BatchStatus.STOPPING);
				this.jobRepository.update(job);
			}
			JobExecution saved = this.jobRepository.getJobExecution(manager.getJobExecutionId());
			boolean stopping = job.isStopping()
					|| saved != null && (saved.getStatus() == BatchStatus.STOPPING || saved.isStopping());
			boolean allEnded = true;
			for (Map.Entry<String, StepExecution> entry : tracked.entrySet()) {
				StepExecution now = this.jobRepository.getStepExecution(entry.getValue().getId());
				if (now == null) {
					continue;
				}
				entry.setValue(now);
				BatchStatus status = now.getStatus();
				if (!status.isRunning()) {
					if (status == BatchStatus.FAILED && !stopping
							&& (JobNames.HAND_OUT_AGAIN.equals(now.getExitStatus().getExitCode())
									|| ended.contains(entry.getKey()))
							&& handedOut.merge(entry.getKey(), 1, Integer::sum) <= MAX_HAND_OUTS) {
						allEnded = false;
						entry.setValue(
								again(manager.getJobExecution(), now, PartitionPlan.number(now.getExecutionContext())));
						unsent.add(entry.getKey());
					}
					continue;
				}
				allEnded = false;
				if (status == BatchStatus.STARTING) {
					if (stopping && stopQueued(now)) {
						unsent.remove(entry.getKey());
					}
					continue;
				}
				int partition = PartitionPlan.number(now.getExecutionContext());
				String lock = JobNames.partitionLock(this.jobName, partition);
				if (RunLock.isHeld(this.dataSource, lock)) {
					deadPolls.remove(entry.getKey());
					// a batch longer than staleAfter runs a statement; a hung worker's
					// sessions sit idle
					if (stale(now) && !RunLock.isBusy(this.dataSource, lock)) {
						logger.warn(
								"Backfill '{}' partition {} made no progress for {}: its worker hangs; its "
										+ "sessions are ended so that another worker takes it",
								this.jobName, partition, this.staleAfter);
						RunLock.terminateHolder(this.dataSource, lock);
						// its failure is ours: it is handed out again however it ends
						ended.add(entry.getKey());
					}
					continue;
				}
				if (deadPolls.merge(entry.getKey(), 1, Integer::sum) < 2) {
					continue;
				}
				deadPolls.remove(entry.getKey());
				StepExecution again = handOutAgain(manager.getJobExecution(), now, partition);
				if (again != null) {
					entry.setValue(again);
					unsent.add(entry.getKey());
				}
			}
			report(manager.getJobExecution(), seen);
			if (allEnded) {
				return new HashSet<>(tracked.values());
			}
		}
	}

	// the batches the workers committed since the last poll, told to this process's
	// listeners; a log out of reach is read at the next poll
	private void report(JobExecution job, Map<Integer, Long> seen) {
		try {
			List<BatchRecord> batches = this.log.committedAfter(job.getId(), seen);
			if (batches.isEmpty()) {
				return;
			}
			for (BatchRecord batch : batches) {
				seen.merge(batch.partition(), batch.batchNo(), Math::max);
			}
			this.run.committedElsewhere(batches,
					PartitionRuns.of(this.jobRepository.getJobExecutions(job.getJobInstance())));
		}
		catch (DataAccessException ex) {
			logger.debug("Backfill '{}' could not read its workers' batches: {}", this.jobName, ex.getMessage());
		}
	}

	// a queue out of reach (a broker restarting) is tried again at the next poll
	private void sendAll(Map<String, StepExecution> tracked, Set<String> unsent) {
		for (String name : Set.copyOf(unsent)) {
			StepExecution partition = tracked.get(name);
			try {
				this.queue.put(JobNames.PARTITION_STEP, partition.getId());
				unsent.remove(name);
			}
			catch (RuntimeException ex) {
				logger.warn("Backfill '{}' could not queue partition {} ({}); it tries again in {}", this.jobName, name,
						DefaultBackfillOperator.rootMessage(ex), this.pollInterval);
				return;
			}
		}
	}

	private boolean stale(StepExecution partition) {
		LocalDateTime updated = partition.getLastUpdated();
		return updated != null && updated.plus(this.staleAfter).isBefore(LocalDateTime.now());
	}

	// a partition no worker took yet is stopped here; a worker that takes it later finds
	// it ended
	private boolean stopQueued(StepExecution partition) {
		partition.setStatus(BatchStatus.STOPPED);
		partition.setExitStatus(ExitStatus.STOPPED.addExitDescription("stopped before a worker took it"));
		partition.setEndTime(LocalDateTime.now());
		try {
			this.jobRepository.update(partition);
			return true;
		}
		catch (OptimisticLockingFailureException ex) {
			// a worker took it meanwhile: it sees the stop at its first batch
			return false;
		}
	}

	private StepExecution handOutAgain(JobExecution job, StepExecution dead, int partition) {
		dead.setStatus(BatchStatus.FAILED);
		dead.setExitStatus(ExitStatus.FAILED.addExitDescription("its worker died; handed out again"));
		dead.setEndTime(LocalDateTime.now());
		try {
			this.jobRepository.update(dead);
		}
		catch (OptimisticLockingFailureException ex) {
			// a worker took it over meanwhile (the broker redelivered it)
			return null;
		}
		return again(job, dead, partition);
	}

	// a new execution of the partition, from what the one before it committed
	private StepExecution again(JobExecution job, StepExecution dead, int partition) {
		// read after the update: what the dead worker committed last, and nothing after
		StepExecution committed = this.jobRepository.getStepExecution(dead.getId());
		ExecutionContext context = new ExecutionContext(
				(committed != null) ? committed.getExecutionContext() : dead.getExecutionContext());
		StepExecution again = this.jobRepository.createStepExecution(dead.getStepName(), job);
		again.setExecutionContext(context);
		this.jobRepository.updateExecutionContext(again);
		logger.warn(
				"Backfill '{}' partition {}: its worker left, died or lost its connection (execution {}); it is handed "
						+ "out again as execution {}, from its checkpoint",
				this.jobName, partition, dead.getId(), again.getId());
		return again;
	}

}

package dev.backfill.engine;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.Backfills;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * The worker side of runs handed to worker processes: walks a partition that a run's
 * process queued, named by its step execution, which holds its range and checkpoint. A
 * partition is walked when no one walks it: queued and not yet taken, or taken by a
 * worker that died (its own lock is free); a repeated message for a partition that
 * another worker walks, or that ended, is passed over, so that a broker's redelivery
 * never runs a partition twice at once nor undoes its end.
 */
final class Workers {

	private static final Logger logger = LoggerFactory.getLogger(Workers.class);

	private final Engine engine;

	private final Backfills backfills;

	private final JobRepository jobRepository;

	private final DataSource dataSource;

	/** Whether this process leaves: it takes no more partitions. */
	private volatile boolean leaving;

	/** Partitions walked in this process now, of every run. */
	private final AtomicInteger walking = new AtomicInteger();

	/** What each run's partitions share in this process, by job execution. */
	private final Map<Long, Shared> runs = new ConcurrentHashMap<>();

	Workers(Engine engine, Backfills backfills, JobRepository jobRepository, DataSource dataSource) {
		this.engine = engine;
		this.backfills = backfills;
		this.jobRepository = jobRepository;
		this.dataSource = dataSource;
	}

	/**
	 * Walks a partition to its end, or until it stops.
	 * @param stepName the worker step named in the message
	 * @param stepExecutionId the partition's step execution
	 * @return the partition's step execution as it ended here, or {@code null} when it
	 * was passed over
	 */
	@Nullable StepExecution work(String stepName, long stepExecutionId) {
		StepExecution partition = this.jobRepository.getStepExecution(stepExecutionId);
		if (!JobNames.PARTITION_STEP.equals(stepName) || partition == null) {
			logger.warn("Partition request for step '{}', execution {}, names no partition of this job repository; "
					+ "it is passed over", stepName, stepExecutionId);
			return null;
		}
		JobExecution job = partition.getJobExecution();
		String jobName = job.getJobInstance().getJobName();
		int number = PartitionPlan.number(partition.getExecutionContext());
		String lock = JobNames.partitionLock(jobName, number);
		BatchStatus status = partition.getStatus();
		if (!status.isRunning()) {
			logger.debug("Backfill '{}' partition {} already ended ({}); the request is passed over", jobName, number,
					status);
			return null;
		}
		// room in the pool first, for the lock's session, the batch's and the checks',
		// before any of them is held
		PoolCapacity.ensure(this.dataSource, jobName, this.walking.incrementAndGet());
		try {
			return take(partition, jobName, number, lock, status);
		}
		finally {
			this.walking.decrementAndGet();
		}
	}

	private @Nullable StepExecution take(StepExecution partition, String jobName, int number, String lock,
			BatchStatus status) {
		// the lock first: a partition's execution is never seen running without it
		Optional<RunLock> taken = (status == BatchStatus.STARTING)
				? BackfillTasklet.takeLock(this.dataSource, lock,
						this.engine.tunings().settings(JobNames.backfillOf(jobName)).statementTimeout())
				: RunLock.tryAcquire(this.dataSource, lock);
		if (taken.isEmpty()) {
			if (status == BatchStatus.STARTING) {
				return fail(partition, "its lock stayed held by another session (a worker it was handed from "
						+ "has not let go); handed out again", JobNames.HAND_OUT_AGAIN);
			}
			logger.debug("Backfill '{}' partition {} is walked by another worker; the request is passed over", jobName,
					number);
			return null;
		}
		try (RunLock partitionLock = taken.get()) {
			return walk(partition, jobName, number, partitionLock);
		}
	}

	private @Nullable StepExecution walk(StepExecution partition, String jobName, int number, RunLock lock) {
		BatchStatus status = partition.getStatus();
		JobExecution job = partition.getJobExecution();
		if (status != BatchStatus.STARTING) {
			logger.warn("Backfill '{}' partition {} was left {} by a worker that no longer holds its lock; this "
					+ "worker takes it over from its checkpoint", jobName, number, status);
		}
		Backfill backfill;
		try {
			backfill = this.backfills.get(JobNames.backfillOf(jobName));
		}
		catch (RuntimeException ex) {
			return fail(partition,
					"this worker declares no backfill '" + JobNames.backfillOf(jobName)
							+ "': start workers of the same application version as the run",
					ExitStatus.FAILED.getExitCode());
		}
		if (this.leaving) {
			// taken between the process's last look at the queue and its leaving
			return fail(partition, "its worker leaves; handed out again", JobNames.HAND_OUT_AGAIN);
		}
		Shared shared = this.runs.compute(job.getId(), (id, current) -> {
			Shared walked = (current != null) ? current
					: new Shared(tasklets(backfill, jobName, id, job), new AtomicInteger());
			walked.walking().incrementAndGet();
			return walked;
		});
		try {
			shared.tasklets().walkWith(partition.getId(), lock);
			this.engine.jobs().workerStep(shared.tasklets()).execute(partition);
			if (partition.getStatus() == BatchStatus.FAILED
					&& (TransientFailure.connectionLoss(partition.getFailureExceptions()) != null
							|| LockWatch.lostIn(partition.getFailureExceptions()) || LockWatch
								.causedBy(partition.getFailureExceptions(), BackfillTasklet.WorkerLeft.class))) {
				// nothing of its batch in flight was committed: the run hands it out
				// again
				partition.setExitStatus(new ExitStatus(JobNames.HAND_OUT_AGAIN,
						"lost its connection or its lock on a worker; handed out again from its checkpoint"));
				this.jobRepository.update(partition);
			}
		}
		catch (JobInterruptedException ex) {
			partition.setStatus(BatchStatus.STOPPED);
			this.jobRepository.update(partition);
		}
		catch (OptimisticLockingFailureException ex) {
			logger.info("Backfill '{}' partition {} was taken by another worker first; this one lets it go", jobName,
					number);
		}
		finally {
			this.runs.computeIfPresent(job.getId(),
					(id, walked) -> (walked.walking().decrementAndGet() == 0) ? null : walked);
		}
		return partition;
	}

	/**
	 * This process leaves: the partitions it walks end after their batch in flight, and
	 * their runs hand them to other workers.
	 * @param timeout how long to wait for them to end
	 * @return whether they all ended in time
	 */
	boolean leave(Duration timeout) {
		this.leaving = true;
		this.runs.values().forEach((shared) -> shared.tasklets().leave());
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.walking.get() > 0) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	// the run's settings as this process resolves them: its own throttles and listeners,
	// and the run's fixed batch size when it has one
	private RunTasklets tasklets(Backfill backfill, String jobName, long jobExecutionId, JobExecution job) {
		TableShape shape = this.engine.shape(backfill,
				JobNames.isRollback(jobName) ? DeclarationCheck.Work.ROLLBACK : DeclarationCheck.Work.RUN);
		Pass pass = JobNames.isRollback(jobName) ? Pass.rollback(backfill, shape) : Pass.run(backfill, shape);
		RunPlan plan = this.engine.tunings()
			.plan(backfill, pass, shape, new RunOptions(WalkShape.batchSizeOf(job)), ProgressListener.NONE, null, null);
		return this.engine.jobs()
			.tasklets(plan, new RunInProcess(jobName, plan.listener(),
					new RunAcrossProcesses(this.engine.log(), this.jobRepository, jobExecutionId)));
	}

	private @Nullable StepExecution fail(StepExecution partition, String why, String exitCode) {
		logger.error("Backfill partition {} cannot be walked here: {}", partition.getStepName(), why);
		partition.setStatus(BatchStatus.FAILED);
		partition.setExitStatus(new ExitStatus(exitCode, why));
		partition.setEndTime(LocalDateTime.now());
		try {
			this.jobRepository.update(partition);
		}
		catch (OptimisticLockingFailureException ex) {
			// another worker took it
		}
		return partition;
	}

	/** A run's partitions walked in this process, and how many are. */
	private record Shared(RunTasklets tasklets, AtomicInteger walking) {
	}

}

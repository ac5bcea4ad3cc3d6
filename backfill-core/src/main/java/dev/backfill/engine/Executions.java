package dev.backfill.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.backfill.BackfillException;
import dev.backfill.BackfillLockLostException;
import dev.backfill.BackfillResult;
import dev.backfill.Retry;
import dev.backfill.jdbc.RunLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.DuplicateJobException;
import org.springframework.batch.core.configuration.JobRegistry;
import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.launch.JobExecutionNotRunningException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.support.JobOperatorFactoryBean;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Spring Batch executions of a backfill's jobs: started, restarted from the checkpoint
 * after a process died, ridden through lost connections, and asked to stop. A job
 * operator of its own runs them in the caller's thread.
 */
final class Executions {

	private static final Logger logger = LoggerFactory.getLogger(Executions.class);

	private final DataSource dataSource;

	private final JobRepository jobRepository;

	private final BackfillHistory history;

	private final JobRegistry jobRegistry = new MapJobRegistry();

	private final JobOperator jobOperator;

	Executions(DataSource dataSource, JobRepository jobRepository, PlatformTransactionManager transactionManager,
			BackfillHistory history) {
		this.dataSource = dataSource;
		this.jobRepository = jobRepository;
		this.history = history;
		// restarts find their job in a registry we fill per run
		JobOperatorFactoryBean factory = new JobOperatorFactoryBean();
		factory.setJobRepository(jobRepository);
		factory.setJobRegistry(this.jobRegistry);
		factory.setTransactionManager(transactionManager);
		factory.setTaskExecutor(new SyncTaskExecutor());
		try {
			factory.afterPropertiesSet();
			this.jobOperator = factory.getObject();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create the backfill job operator", ex);
		}
	}

	/**
	 * Runs the job of a plan (a backfill's run, or its rollback), riding through lost
	 * sessions as the plan's retry policy allows: nothing of the batch in flight was
	 * committed, so the run goes on from its checkpoint. Each attempt asks
	 * {@code resumable} again what to restart, since an attempt that failed may have
	 * created an execution or not.
	 * @param plan the resolved run or rollback
	 * @param run its built job
	 * @param resumable the execution to restart, read from the job repository as it is
	 * now, or {@code null} to start a new instance
	 */
	BackfillResult run(RunPlan plan, JobHandle<RunTasklets> run, Supplier<@Nullable JobExecution> resumable)
			throws Exception {
		RunLock lock = plan.lock();
		String name = plan.backfill().name();
		String jobName = plan.jobName();
		Retry retry = plan.settings().retry();
		Instant started = Instant.now();
		// an execution this run launched has a larger id: one that completed was this
		// run's, whatever it answered
		JobExecution before = this.history.last(jobName);
		long launchedAfter = (before != null) ? before.getId() : 0;
		JobExecution first = resumable.get();
		boolean resumed = first != null;
		JobExecution execution = null;
		for (int attempt = 1;; attempt++) {
			TransientFailure lost;
			try {
				JobExecution previous = (attempt == 1) ? first : resumable.get();
				execution = launch(name, run.job(), previous, previous != null, attempt > 1);
				if (LockWatch.lostIn(execution.getAllFailureExceptions())) {
					throw new BackfillLockLostException(name, this.history.owner(name));
				}
				lost = TransientFailure.connectionLoss(execution.getAllFailureExceptions());
			}
			catch (BackfillException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				if (LockWatch.lostIn(List.of(ex))) {
					throw new BackfillLockLostException(name, this.history.owner(name));
				}
				lost = TransientFailure.connectionLoss(List.of(ex));
				if (lost == null) {
					throw ex;
				}
			}
			if (lost == null || attempt >= retry.maxAttempts()) {
				break;
			}
			Duration delay = Duration.ofMillis(Math.max(1_000, retry.delayBefore(attempt + 1).toMillis()));
			logger.warn("Backfill '{}' lost its connection ({}); resuming from its checkpoint in {} ms "
					+ "(attempt {} of {})", name, lost, delay.toMillis(), attempt + 1, retry.maxAttempts());
			Thread.sleep(delay.toMillis());
			if (!renew(lock)) {
				throw new BackfillLockLostException(name, this.history.owner(name));
			}
			JobExecution completed = completedMeanwhile(jobName, launchedAfter);
			if (completed != null) {
				// the connection was lost after the job's end was saved: there is nothing
				// left to resume
				execution = completed;
				break;
			}
		}
		if (execution == null) {
			throw new BackfillException("Backfill '" + name + "' lost its connection " + retry.maxAttempts()
					+ " times and could not resume. Check the database, then run it again: it resumes from its "
					+ "checkpoint.");
		}
		Duration wall = Duration.between(started, Instant.now());
		BackfillResult result = new BackfillResult(name, BackfillHistory.state(execution, true), execution.getId(),
				resumed, run.tasklet().rows(), run.tasklet().batches(), (WalkShape.isPartitioned(execution))
						? this.history.partitions(execution).rowsDone() : run.tasklet().rowsDone(),
				wall, BackfillHistory.failure(execution));
		logger.info("Backfill '{}' {}: {} rows in {} batches, {} ms, {} rows/s", jobName,
				result.state().name().toLowerCase(), result.rows(), result.batches(), wall.toMillis(),
				Math.round(result.rowsPerSecond()));
		return result;
	}

	// the connection was lost after the job's end was saved (the launch may have thrown,
	// with no execution to show)
	private @Nullable JobExecution completedMeanwhile(String jobName, long launchedAfter) {
		try {
			JobExecution latest = this.history.last(jobName);
			return (latest != null && latest.getId() > launchedAfter && latest.getStatus() == BatchStatus.COMPLETED)
					? latest : null;
		}
		catch (RuntimeException ex) {
			// still out of reach: the next attempt finds out
			return null;
		}
	}

	/**
	 * Starts a new instance of the job, or restarts {@code previous} when {@code resume}.
	 */
	JobExecution launch(String name, Job job, @Nullable JobExecution previous, boolean resume) throws Exception {
		return launch(name, job, previous, resume, false);
	}

	// ours: the previous execution is this run's own, which lost its connection (already
	// told at WARN)
	private JobExecution launch(String name, Job job, @Nullable JobExecution previous, boolean resume, boolean ours)
			throws Exception {
		register(job);
		if (!resume || previous == null) {
			forgetLaunchCutShort(name, job.getName());
			return this.jobOperator.startNextInstance(job);
		}
		if (BackfillHistory.isRunning(previous) || BackfillHistory.isUnknown(previous)) {
			// we hold the run lock, so the process that left it running is gone (or was
			// us, before the connection was lost); a batch Spring Batch could not roll
			// back (UNKNOWN) was rolled back by PostgreSQL when its session ended, with
			// its log row and checkpoint, so the checkpoint is exact either way
			if (ours) {
				logger.debug("Backfill '{}': execution {} was left {} by the lost connection; it resumes from its "
						+ "checkpoint", name, previous.getId(), previous.getStatus());
			}
			else {
				logger.warn(
						"Backfill '{}': execution {} was left {} by a process that no longer holds the run lock "
								+ "(it died, or lost its connection); it resumes from its checkpoint",
						name, previous.getId(), previous.getStatus());
			}
			markFailed(previous);
		}
		return this.jobOperator.restart(previous);
	}

	// a process that died, or lost its connection, between Spring Batch's transactions
	// that create an instance and its first execution left an instance with nothing in
	// it; the next instance's parameters are read from the last execution of the last
	// instance, so it would stop every later launch. We hold the run lock: nobody else is
	// launching it.
	private void forgetLaunchCutShort(String name, String jobName) {
		JobInstance last = this.jobRepository.getLastJobInstance(jobName);
		if (last != null && this.jobRepository.getLastJobExecution(last) == null) {
			logger.warn("Backfill '{}': job instance {} of {} has no execution (a launch was cut short); it is "
					+ "removed before the next launch", name, last.getInstanceId(), jobName);
			this.jobRepository.deleteJobInstance(last);
		}
	}

	/**
	 * Marks a running or unknown execution and its steps failed: what
	 * {@link JobOperator#recover} does for running executions, for UNKNOWN ones too,
	 * which it leaves alone. A lost connection can leave the job UNKNOWN with its step
	 * still STARTED, or the job FAILED with its step STARTED.
	 */
	void markFailed(JobExecution execution) {
		LocalDateTime now = LocalDateTime.now();
		for (StepExecution step : execution.getStepExecutions()) {
			StepExecution current = step;
			// a worker process may still commit a partition's batch meanwhile: read it
			// again, and mark what it committed
			while (current != null && (current.getStatus().isRunning() || current.getStatus() == BatchStatus.UNKNOWN)) {
				current.setStatus(BatchStatus.FAILED);
				if (current.getEndTime() == null) {
					current.setEndTime(now);
				}
				try {
					this.jobRepository.update(current);
					break;
				}
				catch (OptimisticLockingFailureException ex) {
					current = this.jobRepository.getStepExecution(step.getId());
				}
			}
		}
		execution.setStatus(BatchStatus.FAILED);
		if (execution.getEndTime() == null) {
			execution.setEndTime(now);
		}
		this.jobRepository.update(execution);
	}

	/**
	 * Asks every running execution of the named jobs to stop; the process running it
	 * reads STOPPING from the job repository when it saves its next batch.
	 * @return whether any was asked
	 */
	boolean stop(List<String> jobNames) {
		boolean asked = false;
		for (String job : jobNames) {
			for (JobExecution execution : this.jobRepository.findRunningJobExecutions(job)) {
				try {
					asked |= this.jobOperator.stop(execution);
				}
				catch (JobExecutionNotRunningException ex) {
					// it ended meanwhile
				}
			}
		}
		return asked;
	}

	private void register(Job job) {
		this.jobRegistry.unregister(job.getName());
		try {
			this.jobRegistry.register(job);
		}
		catch (DuplicateJobException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private boolean renew(RunLock lock) {
		try {
			return lock.renew() != RunLock.Renewal.LOST;
		}
		catch (java.sql.SQLException ex) {
			// still unreachable: the next attempt finds out
			return true;
		}
	}

}

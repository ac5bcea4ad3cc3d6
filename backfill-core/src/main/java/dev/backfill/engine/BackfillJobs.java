package dev.backfill.engine;

import java.util.Objects;
import java.util.Random;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillSettings;
import dev.backfill.BatchSizing;
import dev.backfill.DryRunOptions;
import dev.backfill.KeyRange;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.JdbcDiscrepancies;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.job.parameters.JobParametersIncrementer;
import org.springframework.batch.core.job.parameters.RunIdIncrementer;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.partition.support.AbstractPartitionHandler;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.PartitionStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Builds the Spring Batch jobs of a backfill, each of one tasklet step whose every call
 * is one batch, named by {@link JobNames}: its run and its rollback from a
 * {@link RunPlan}, its verify, and its dry-run.
 */
final class BackfillJobs {

	/** The parameter Spring Batch's {@link RunIdIncrementer} counts instances by. */
	private static final String RUN_ID = "run.id";

	private final JobRepository jobRepository;

	private final PlatformTransactionManager transactionManager;

	private final JdbcClient jdbc;

	private final JdbcBatchLog log;

	private final DataSource dataSource;

	private final @Nullable RemoteSettings remote;

	/**
	 * Creates the factory.
	 * @param jobRepository the job repository
	 * @param transactionManager the transaction manager of the target database, shared
	 * with the job repository
	 * @param jdbc a client on the target database
	 * @param log the batch log
	 * @param dataSource the target database, where partitions take their own locks
	 * @param remote how partitions are handed to worker processes, or {@code null} when
	 * none are configured
	 */
	BackfillJobs(JobRepository jobRepository, PlatformTransactionManager transactionManager, JdbcClient jdbc,
			JdbcBatchLog log, DataSource dataSource, @Nullable RemoteSettings remote) {
		this.dataSource = dataSource;
		this.remote = remote;
		this.jobRepository = jobRepository;
		this.transactionManager = transactionManager;
		this.jdbc = jdbc;
		this.log = log;
	}

	/**
	 * Builds a run's job, named as the backfill, or a rollback's, named
	 * {@code NAME:rollback}: the declared rollback statement over the committed ranges
	 * the plan undoes, kept in the job parameters, with everything a run has. A walk
	 * split into partitions is one partitioned step whose workers, executions of one
	 * worker step, each walk a range of keys in threads of this process.
	 * @param plan the resolved run or rollback
	 * @param shape in one step, or split into partitions
	 * @return the job and its tasklet
	 */
	JobHandle<RunTasklets> build(RunPlan plan, WalkShape shape) {
		KeyRange undo = plan.undo();
		// a new walk's parameters: how many partitions, and the committed ranges a
		// rollback undoes; a restart keeps its own
		JobParametersIncrementer incrementer = (parameters) -> {
			JobParametersBuilder next = nextRun(parameters);
			if (undo != null) {
				WalkBounds.addTo(undo, next);
			}
			shape.addTo(next, plan);
			return next.toJobParameters();
		};
		RunInProcess run = new RunInProcess(plan.jobName(), plan.listener());
		RunTasklets tasklets = tasklets(plan, run);
		RunLock lock = Objects.requireNonNull(plan.lock(), "a run holds its lock");
		if (!shape.partitioned()) {
			return handle(plan.jobName(), incrementer, true, lock, JobNames.STEP, tasklets);
		}
		WalkPartitioner partitioner = new WalkPartitioner(plan.jobName(), plan.shape().key(), () -> TenantSchemas
			.onSearchPath(this.transactionManager, this.jdbc, plan.backfill(), () -> shape.plan(plan, this.jdbc)),
				this.jobRepository);
		AbstractPartitionHandler handler;
		if (shape.remote()) {
			if (this.remote == null) {
				throw new BackfillException("Backfill '" + plan.backfill().name() + "' cannot hand its partitions "
						+ "to workers: no partition queue is configured. Add spring-boot-starter-amqp and "
						+ "spring-integration-amqp to the application, point spring.rabbitmq.* at the broker, "
						+ "and start workers with 'backfill worker'; or run it without --remote.");
			}
			this.remote.queue().check();
			handler = new RemotePartitionHandler(this.remote.queue(), this.jobRepository, this.dataSource, this.log,
					plan.jobName(), this.remote, run);
		}
		else {
			handler = inThreads(plan.jobName(), workerStep(tasklets), shape);
		}
		// the run is finished when every partition is: its listeners are told once
		StepExecutionListener finished = new StepExecutionListener() {
			@Override
			public @Nullable ExitStatus afterStep(StepExecution stepExecution) {
				if (stepExecution.getStatus() == BatchStatus.COMPLETED) {
					run.completed();
				}
				return null;
			}
		};
		return partitioned(plan.jobName(), incrementer, lock, JobNames.STEP, partitioner, handler, shape, tasklets,
				finished);
	}

	// the next run id, and nothing else of the previous instance's parameters
	private static JobParametersBuilder nextRun(@Nullable JobParameters parameters) {
		Long runId = new RunIdIncrementer().getNext(parameters).getLong(RUN_ID);
		return new JobParametersBuilder().addLong(RUN_ID, Objects.requireNonNull(runId));
	}

	// partitions walked by threads of this process, no more at once than the shape says
	private TaskExecutorPartitionHandler inThreads(String jobName, Step worker, WalkShape shape) {
		PoolCapacity.ensure(this.dataSource, jobName, shape.threads());
		SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("backfill-" + jobName + "-");
		threads.setConcurrencyLimit(shape.threads());
		TaskExecutorPartitionHandler handler = new TaskExecutorPartitionHandler();
		handler.setStep(worker);
		handler.setTaskExecutor(threads);
		return handler;
	}

	// a job of one partitioned step, whose partitioner keeps its plan in the step's
	// context; the job records its owner
	private <T> JobHandle<T> partitioned(String jobName, JobParametersIncrementer incrementer, RunLock lock,
			String stepName, WalkPartitioner partitioner, AbstractPartitionHandler handler, WalkShape shape, T tasklet,
			StepExecutionListener ended) {
		handler.setGridSize(shape.partitions());
		Step manager = new PartitionStepBuilder(new StepBuilder(stepName, this.jobRepository))
			.splitter(new PartitionSplitter(this.jobRepository, partitioner))
			.partitionHandler(handler)
			.listener(partitioner)
			.listener(ended)
			.build();
		JobBuilder job = new JobBuilder(jobName, this.jobRepository).incrementer(incrementer)
			.listener(new OwnerListener(this.jobRepository, lock));
		return new JobHandle<>(job.start(manager).build(), tasklet);
	}

	/**
	 * Builds the step that walks one partition, in this process or in a worker: its
	 * executions are named {@code partition:pNNNN} by Spring Batch's splitter.
	 * @param tasklets the walks of the run's partitions in this process
	 * @return the step
	 */
	Step workerStep(RunTasklets tasklets) {
		return new StepBuilder(JobNames.PARTITION_STEP, this.jobRepository).tasklet(tasklets, this.transactionManager)
			.listener(tasklets)
			.build();
	}

	/**
	 * @param plan a run or a rollback, as a worker resolves it
	 * @param run what its partitions share in this process
	 * @return the walks of its partitions
	 */
	RunTasklets tasklets(RunPlan plan, RunInProcess run) {
		return new RunTasklets(() -> new BackfillTasklet(plan, this.jdbc, this.transactionManager, this.log,
				this.jobRepository, this.dataSource, run), run);
	}

	/**
	 * Builds a verify's job, named {@code NAME:verify}: a read-only walk in keyset
	 * batches that logs every discrepancy.
	 * @param backfill the declaration
	 * @param shape its table's shape
	 * @param batchSize keys per batch
	 * @param settings the backfill's engine settings
	 * @param discrepancies where discrepancies are logged
	 * @param lock the run lock, held
	 * @return the job and its tasklet
	 */
	JobHandle<VerifyTasklet> buildVerify(Backfill backfill, TableShape shape, int batchSize, BackfillSettings settings,
			JdbcDiscrepancies discrepancies, RunLock lock, WalkShape walk) {
		VerifyTasklet tasklet = new VerifyTasklet(backfill, shape, this.jdbc, discrepancies, batchSize, settings,
				new LockWatch(lock, backfill.name(), this.jobRepository, this.transactionManager));
		String jobName = JobNames.verify(backfill.name());
		if (!walk.partitioned()) {
			return handle(jobName, new RunIdIncrementer(), true, lock, JobNames.VERIFY_STEP, tasklet);
		}
		// partitions of about equal rows, checked side by side; the verify's figures are
		// their sums
		JobParametersIncrementer incrementer = (parameters) -> {
			JobParametersBuilder next = nextRun(parameters);
			walk.addTo(next);
			return next.toJobParameters();
		};
		WalkPartitioner partitioner = new WalkPartitioner(jobName, shape.key(),
				() -> KeyPartitions.plan(this.jdbc, shape, "true", walk.partitions()), this.jobRepository);
		Step worker = new StepBuilder(JobNames.PARTITION_STEP, this.jobRepository)
			.tasklet(tasklet, this.transactionManager)
			.listener(tasklet)
			.build();
		return partitioned(jobName, incrementer, lock, JobNames.VERIFY_STEP, partitioner,
				inThreads(jobName, worker, walk), walk, tasklet, new StepExecutionListener() {
				});
	}

	/**
	 * Builds a dry-run's job, named {@code NAME:dry-run}: it samples the table now, so
	 * that a dry-run that cannot estimate fails before it is recorded.
	 * @param backfill the declaration
	 * @param shape its table's shape
	 * @param batchSize keys per batch to estimate for, or to sample at when batches adapt
	 * @param sizing how the run's batches adapt, or {@code null} when their size is fixed
	 * @param settings the backfill's engine settings
	 * @param options the sample's bounds
	 * @param lock the run lock, held
	 * @return the job and its tasklet, which holds the estimate once it ran
	 * @throws dev.backfill.CannotEstimateException when the table is empty, smaller than
	 * the sample, or read-only
	 */
	JobHandle<DryRunTasklet> buildDryRun(Backfill backfill, TableShape shape, int batchSize,
			@Nullable BatchSizing sizing, BackfillSettings settings, DryRunOptions options, RunLock lock) {
		SamplePlan plan = SamplePlan.of(backfill, shape, this.jdbc, batchSize, options, new Random());
		DryRunTasklet tasklet = new DryRunTasklet(backfill, shape, this.jdbc, this.transactionManager, settings, sizing,
				options, plan);
		JobParametersIncrementer incrementer = (
				parameters) -> new JobParametersBuilder(new RunIdIncrementer().getNext(parameters))
					.addString(JobNames.DRY_RUN_PARAMETER, "true", false)
					.toJobParameters();
		// an estimate is of the table as it was: a failed dry-run is made again, never
		// resumed
		return handle(JobNames.dryRun(backfill.name()), incrementer, false, lock, JobNames.DRY_RUN_STEP, tasklet);
	}

	// every job: one step of one tasklet, which listens to its step; the job records its
	// owner
	private <T extends Tasklet & StepExecutionListener> JobHandle<T> handle(String jobName,
			JobParametersIncrementer incrementer, boolean restartable, RunLock lock, String stepName, T tasklet) {
		Step step = new StepBuilder(stepName, this.jobRepository).tasklet(tasklet, this.transactionManager)
			.listener(tasklet)
			.build();
		JobBuilder job = new JobBuilder(jobName, this.jobRepository).incrementer(incrementer)
			.listener(new OwnerListener(this.jobRepository, lock));
		if (!restartable) {
			job.preventRestart();
		}
		return new JobHandle<>(job.start(step).build(), tasklet);
	}

	/** Records which process, and which session of its run lock, runs the execution. */
	private record OwnerListener(JobRepository jobRepository, RunLock lock) implements JobExecutionListener {

		@Override
		public void beforeJob(JobExecution jobExecution) {
			Owner.ofThisProcess(this.lock).writeTo(jobExecution.getExecutionContext());
			this.jobRepository.updateExecutionContext(jobExecution);
		}

	}

}

package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import dev.backfill.Backfill;
import dev.backfill.BackfillSettings;
import dev.backfill.BackfillThrottle;
import dev.backfill.BatchSizing;
import dev.backfill.DryRunOptions;
import dev.backfill.Estimate;
import dev.backfill.KeyRange;
import dev.backfill.ProgressListener;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.JdbcDiscrepancies;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.job.parameters.JobParametersIncrementer;
import org.springframework.batch.core.job.parameters.RunIdIncrementer;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Builds the Spring Batch jobs of a backfill: its run, a job named exactly as the
 * backfill with one tasklet step whose every call is one batch; and its dry-run, a job
 * named {@code NAME:dry-run} whose every call is one sampled batch.
 */
final class BackfillJobs {

	/** Name of the step that walks the table. */
	public static final String STEP = "backfill";

	/** Name of the step of a dry-run. */
	public static final String DRY_RUN_STEP = "dry-run";

	/**
	 * Suffix of a dry-run's job name; backfill names cannot hold a ':', so it never
	 * clashes with one.
	 */
	public static final String DRY_RUN_SUFFIX = ":dry-run";

	/** Suffix of a rollback's job name. */
	public static final String ROLLBACK_SUFFIX = ":rollback";

	/** Suffix of a verify's job name. */
	public static final String VERIFY_SUFFIX = ":verify";

	/** Name of the step of a verify. */
	public static final String VERIFY_STEP = "verify";

	/**
	 * Job parameter of a rollback: the exclusive lower bound of the ranges it undoes, as
	 * text.
	 */
	public static final String FROM = "backfill.from";

	/**
	 * Job parameter of a rollback: {@code "true"} when {@link #FROM} is itself a key to
	 * undo (a first range's).
	 */
	public static final String FROM_INCLUDED = "backfill.fromIncluded";

	/**
	 * Job parameter of a rollback: the inclusive upper bound of the ranges it undoes, as
	 * text.
	 */
	public static final String UNTIL = "backfill.until";

	/** Job parameter that marks a dry-run's executions in the job repository. */
	public static final String DRY_RUN_PARAMETER = "backfill.dryRun";

	/** Step context keys of the run's statistics. */
	public static final String ROWS_PER_SECOND = BackfillTasklet.ROWS_PER_SECOND;

	/** Step context key: estimated rows left. */
	public static final String ROWS_REMAINING = BackfillTasklet.ROWS_REMAINING;

	/** Step context key: keys per batch of the run. */
	public static final String BATCH_SIZE = BackfillTasklet.BATCH_SIZE;

	/** Step context key: whether the run's batches adapt their size ({@code "true"}). */
	public static final String ADAPTIVE = BackfillTasklet.ADAPTIVE;

	/** Step context key: seconds the run was held by throttles. */
	public static final String THROTTLED_SECONDS = BackfillTasklet.THROTTLED_SECONDS;

	/** Step context key: estimated seconds left. */
	public static final String ETA_SECONDS = BackfillTasklet.ETA_SECONDS;

	private final JobRepository jobRepository;

	private final PlatformTransactionManager transactionManager;

	private final JdbcClient jdbc;

	private final JdbcBatchLog log;

	private final Function<String, BackfillSettings> settings;

	/**
	 * Creates the factory.
	 * @param jobRepository the job repository
	 * @param transactionManager the transaction manager of the target database, shared
	 * with the job repository
	 * @param jdbc a client on the target database
	 * @param log the batch log
	 * @param settings the engine settings of a backfill, by its name
	 */
	BackfillJobs(JobRepository jobRepository, PlatformTransactionManager transactionManager, JdbcClient jdbc,
			JdbcBatchLog log, Function<String, BackfillSettings> settings) {
		this.jobRepository = jobRepository;
		this.transactionManager = transactionManager;
		this.jdbc = jdbc;
		this.log = log;
		this.settings = settings;
	}

	/**
	 * Builds a run's job.
	 * @param backfill the declaration
	 * @param shape its table's shape
	 * @param batchSize keys per batch, or of the first batch when batches adapt
	 * @param sizing how batches adapt, or {@code null} to keep them all at
	 * {@code batchSize}
	 * @param throttles asked before every batch
	 * @param listener progress listener
	 * @param lock the run lock, held
	 * @return the job and its tasklet
	 */
	Run build(Backfill backfill, TableShape shape, int batchSize, @Nullable BatchSizing sizing,
			List<BackfillThrottle> throttles, ProgressListener listener, RunLock lock) {
		return build(backfill, Pass.run(backfill, shape), shape, batchSize, sizing, throttles, listener, lock,
				new RunIdIncrementer());
	}

	/**
	 * Builds a rollback's job, named {@code NAME:rollback}: the declared rollback
	 * statement over the backfill's committed ranges, from job parameter {@link #FROM} up
	 * to {@link #UNTIL}, with everything a run has.
	 * @param backfill the declaration, which has a rollback statement
	 * @param shape its table's shape
	 * @param batchSize keys per batch, or of the first batch when batches adapt
	 * @param sizing how batches adapt, or {@code null} to keep them all at
	 * {@code batchSize}
	 * @param throttles asked before every batch
	 * @param listener progress listener
	 * @param committed the union of the committed ranges to undo; {@code null} to restart
	 * an unfinished rollback
	 * @param lock the run lock, held
	 * @return the job and its tasklet
	 */
	public Run buildRollback(Backfill backfill, TableShape shape, int batchSize, @Nullable BatchSizing sizing,
			List<BackfillThrottle> throttles, ProgressListener listener, @Nullable KeyRange committed, RunLock lock) {
		// a new rollback's parameters: the committed ranges it undoes; a restart keeps
		// its own
		JobParametersIncrementer incrementer = (parameters) -> {
			JobParametersBuilder next = new JobParametersBuilder(new RunIdIncrementer().getNext(parameters));
			if (committed != null) {
				next.addString(FROM, committed.from().toString())
					.addString(UNTIL, committed.to().toString())
					.addString(FROM_INCLUDED, String.valueOf(committed.fromIncluded()));
			}
			return next.toJobParameters();
		};
		return build(backfill, Pass.rollback(backfill, shape), shape, batchSize, sizing, throttles, listener, lock,
				incrementer);
	}

	private Run build(Backfill backfill, Pass pass, TableShape shape, int batchSize, @Nullable BatchSizing sizing,
			List<BackfillThrottle> throttles, ProgressListener listener, RunLock lock,
			JobParametersIncrementer incrementer) {
		BackfillTasklet tasklet = new BackfillTasklet(backfill, pass, shape, this.jdbc, this.transactionManager,
				this.log, this.jobRepository, batchSize, this.settings.apply(backfill.name()), sizing, throttles,
				listener, new LockWatch(lock, backfill.name(), this.jobRepository, this.transactionManager));
		Step step = new StepBuilder(STEP, this.jobRepository).tasklet(tasklet, this.transactionManager)
			.listener(tasklet)
			.build();
		Job job = new JobBuilder(pass.logName(), this.jobRepository).incrementer(incrementer)
			.listener(new OwnerListener(this.jobRepository, lock))
			.start(step)
			.build();
		return new Run(job, tasklet);
	}

	/**
	 * Builds a verify's job, named {@code NAME:verify}: a read-only walk in keyset
	 * batches that logs every discrepancy.
	 * @param backfill the declaration
	 * @param shape its table's shape
	 * @param batchSize keys per batch
	 * @param discrepancies where discrepancies are logged
	 * @param lock the run lock, held
	 * @return the job and its tasklet
	 */
	public Verify buildVerify(Backfill backfill, TableShape shape, int batchSize, JdbcDiscrepancies discrepancies,
			RunLock lock) {
		VerifyTasklet tasklet = new VerifyTasklet(backfill, shape, this.jdbc, discrepancies, batchSize,
				this.settings.apply(backfill.name()),
				new LockWatch(lock, backfill.name(), this.jobRepository, this.transactionManager));
		Step step = new StepBuilder(VERIFY_STEP, this.jobRepository).tasklet(tasklet, this.transactionManager)
			.listener(tasklet)
			.build();
		Job job = new JobBuilder(verifyJobName(backfill.name()), this.jobRepository).incrementer(new RunIdIncrementer())
			.listener(new OwnerListener(this.jobRepository, lock))
			.start(step)
			.build();
		return new Verify(job, tasklet);
	}

	/**
	 * @param backfill a backfill name
	 * @return the job name of its rollbacks
	 */
	public static String rollbackJobName(String backfill) {
		return backfill + ROLLBACK_SUFFIX;
	}

	/**
	 * @param backfill a backfill name
	 * @return the job name of its verifies
	 */
	public static String verifyJobName(String backfill) {
		return backfill + VERIFY_SUFFIX;
	}

	/**
	 * Builds a dry-run's job: it samples the table now, so that a dry-run that cannot
	 * estimate fails before it is recorded.
	 * @param backfill the declaration
	 * @param shape its table's shape
	 * @param batchSize keys per batch to estimate for, or to sample at when batches adapt
	 * @param sizing how the run's batches adapt, or {@code null} when their size is fixed
	 * @param options the sample's bounds
	 * @param lock the run lock, held
	 * @return the job and what it estimates
	 * @throws dev.backfill.CannotEstimateException when the table is empty, smaller than
	 * the sample, or read-only
	 */
	public DryRun buildDryRun(Backfill backfill, TableShape shape, int batchSize, @Nullable BatchSizing sizing,
			DryRunOptions options, RunLock lock) {
		SamplePlan plan = SamplePlan.of(backfill, shape, this.jdbc, batchSize, options, new Random());
		DryRunTasklet tasklet = new DryRunTasklet(backfill, shape, this.jdbc, this.transactionManager,
				this.settings.apply(backfill.name()), sizing, options, plan);
		Step step = new StepBuilder(DRY_RUN_STEP, this.jobRepository).tasklet(tasklet, this.transactionManager)
			.listener(tasklet)
			.build();
		JobParametersIncrementer incrementer = (
				parameters) -> new JobParametersBuilder(new RunIdIncrementer().getNext(parameters))
					.addString(DRY_RUN_PARAMETER, "true", false)
					.toJobParameters();
		Job job = new JobBuilder(dryRunJobName(backfill.name()), this.jobRepository).incrementer(incrementer)
			.preventRestart()
			.listener(new OwnerListener(this.jobRepository, lock))
			.start(step)
			.build();
		return new DryRun(job, tasklet);
	}

	/**
	 * @param backfill a backfill name
	 * @return the job name of its dry-runs
	 */
	public static String dryRunJobName(String backfill) {
		return backfill + DRY_RUN_SUFFIX;
	}

	/**
	 * Reads the estimate a dry-run's execution recorded.
	 * @param backfill the backfill name
	 * @param execution a dry-run's job execution
	 * @return its estimate, or {@code null} when it recorded none (it failed)
	 */
	public static @Nullable Estimate estimateOf(String backfill, JobExecution execution) {
		return execution.getStepExecutions()
			.stream()
			.filter((s) -> s.getStepName().equals(DRY_RUN_STEP))
			.findFirst()
			.map((s) -> StoredEstimate.from(backfill, execution.getId(), s.getExecutionContext()))
			.orElse(null);
	}

	/**
	 * Every statement a backfill's work uses, to plan without running: the pending
	 * condition first, as the others hold it too.
	 * @param backfill the declaration
	 * @param shape its table's shape
	 * @return the statements, each planned on its own
	 */
	public static List<PlannedStatement> statements(Backfill backfill, TableShape shape) {
		Object low = switch (shape.keyType()) {
			case INTEGER -> 0L;
			case TEXT -> "";
			case UUID -> new java.util.UUID(0, 0);
		};
		Object high = switch (shape.keyType()) {
			case INTEGER -> 1L;
			case TEXT -> "~";
			case UUID -> new java.util.UUID(0, 1);
		};
		dev.backfill.KeyRange probe = new dev.backfill.KeyRange(low, high);
		List<PlannedStatement> statements = new ArrayList<>();
		statements.add(PlannedStatement.of("pending condition", PlannedStatement.Use.READ, (jdbc) -> {
			new RemainingWork(backfill, shape).pendingAfter(jdbc, low);
			return null;
		}, ".pending(...)"));
		if (shape.hasColumnsOf(backfill)) {
			// a missing column is named already
			statements.addAll(BatchWork.of(backfill, shape).statements(probe));
		}
		if (backfill.rollback() != null) {
			statements.add(PlannedStatement.of("rollback statement", PlannedStatement.Use.UNDO, (jdbc) -> {
				jdbc.sql("EXPLAIN " + backfill.rollback()).param("from", low).param("to", high).query().listOfRows();
				return null;
			}, ".rollback(...)"));
		}
		statements.addAll(VerifyTasklet.statements(backfill, shape, probe));
		return statements;
	}

	/**
	 * Estimates the pending rows of a whole table from the planner, as a run does at its
	 * start.
	 * @param backfill the declaration
	 * @param shape its table's shape
	 * @param jdbc a client on the target database
	 * @return the estimated pending rows
	 */
	public static long pendingEstimate(Backfill backfill, TableShape shape, JdbcClient jdbc) {
		return new RemainingWork(backfill, shape).pendingAfter(jdbc, null);
	}

	/**
	 * A built run: the job to launch, and what this process did once it ran.
	 */
	public static final class Run {

		private final Job job;

		private final BackfillTasklet tasklet;

		Run(Job job, BackfillTasklet tasklet) {
			this.job = job;
			this.tasklet = tasklet;
		}

		/**
		 * @return the job to launch
		 */
		public Job job() {
			return this.job;
		}

		/** Asks the run to stop once the batch in flight has committed. */
		public void requestStop() {
			this.tasklet.requestStop();
		}

		/**
		 * @return rows changed in this process
		 */
		public long rows() {
			return this.tasklet.rowsThisProcess();
		}

		/**
		 * @return batches committed in this process
		 */
		public long batches() {
			return this.tasklet.batchesThisProcess();
		}

		/**
		 * @return rows changed by the whole run, across restarts
		 */
		public long rowsDone() {
			return this.tasklet.rowsDone();
		}

	}

	/**
	 * A built verify: the job to launch, and what it found in this process.
	 */
	public static final class Verify {

		private final Job job;

		private final VerifyTasklet tasklet;

		Verify(Job job, VerifyTasklet tasklet) {
			this.job = job;
			this.tasklet = tasklet;
		}

		/**
		 * @return the job to launch
		 */
		public Job job() {
			return this.job;
		}

		/** Asks the verify to stop after its current batch. */
		public void requestStop() {
			this.tasklet.requestStop();
		}

	}

	/**
	 * A built dry-run: the job to launch, and its estimate once it ran.
	 */
	public static final class DryRun {

		private final Job job;

		private final DryRunTasklet tasklet;

		DryRun(Job job, DryRunTasklet tasklet) {
			this.job = job;
			this.tasklet = tasklet;
		}

		/**
		 * @return the job to launch
		 */
		public Job job() {
			return this.job;
		}

		/**
		 * @return the estimate, with its samples, or {@code null} when the dry-run did
		 * not finish
		 */
		public @Nullable Estimate estimate() {
			return this.tasklet.estimate();
		}

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

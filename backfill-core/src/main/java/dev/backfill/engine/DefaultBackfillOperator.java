package dev.backfill.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillAlreadyRunningException;
import dev.backfill.BackfillException;
import dev.backfill.BackfillLockLostException;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillSettings;
import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;
import dev.backfill.BackfillThrottle;
import dev.backfill.Backfills;
import dev.backfill.BackgroundWork;
import dev.backfill.BatchSizing;
import dev.backfill.BatchSummary;
import dev.backfill.DryRunOptions;
import dev.backfill.Estimate;
import dev.backfill.InvalidBackfillException;
import dev.backfill.KeyRange;
import dev.backfill.OneWayBackfillException;
import dev.backfill.ProgressListener;
import dev.backfill.RemovalNotice;
import dev.backfill.RunOptions;
import dev.backfill.Tuning;
import dev.backfill.Verification;
import dev.backfill.jdbc.BackfillTables;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.JdbcDiscrepancies;
import dev.backfill.jdbc.JdbcPauses;
import dev.backfill.jdbc.KeyType;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@link BackfillOperator} on Spring Batch: a {@link JobOperator} of its own over the
 * application's JDBC job repository. Give it the job repository's own {@link DataSource}
 * and transaction manager: a batch's writes, its log row and its checkpoint then commit
 * in one transaction, so each batch is applied exactly once across crashes.
 *
 * @since 0.1.0
 */
public final class DefaultBackfillOperator implements BackfillOperator {

	private static final Logger logger = LoggerFactory.getLogger(DefaultBackfillOperator.class);

	private final Backfills backfills;

	private final DataSource dataSource;

	private final PlatformTransactionManager transactionManager;

	private final JobRepository jobRepository;

	private final BackfillSettings settings;

	private final JdbcClient jdbc;

	private final JdbcBatchLog log;

	private final JdbcPauses pauses;

	private final JdbcDiscrepancies discrepancies;

	private final BackfillHistory history;

	private final BackfillJobs jobs;

	private final Executions executions;

	private final DeclarationCheck check;

	private final List<BackfillThrottle> throttles;

	private final List<ProgressListener> listeners;

	private final Map<String, Tuning> tuning;

	/** Runs of this process, with what their callers wait on. */
	private final Map<String, Active> active = new ConcurrentHashMap<>();

	private DefaultBackfillOperator(Builder builder) {
		Backfills backfills = builder.backfills;
		for (String name : builder.tuning.keySet()) {
			if (backfills.all().stream().noneMatch((b) -> b.name().equals(name))) {
				throw new InvalidBackfillException(
						"Settings are given for backfill '" + name + "', but no backfill has that name. Declared: "
								+ String.join(", ", backfills.all().stream().map(Backfill::name).toList())
								+ ". Correct the name or remove its settings.");
			}
		}
		this.tuning = Map.copyOf(builder.tuning);
		this.listeners = List.copyOf(builder.listeners);
		this.throttles = List.copyOf(builder.throttles);
		this.backfills = backfills;
		this.dataSource = builder.dataSource;
		this.transactionManager = (builder.transactionManager != null) ? builder.transactionManager
				: new JdbcTransactionManager(this.dataSource);
		this.jobRepository = (builder.jobRepository != null) ? builder.jobRepository
				: JobRepositories.jdbc(this.dataSource, this.transactionManager);
		this.settings = builder.settings;
		this.jdbc = JdbcClient.create(this.dataSource);
		this.log = new JdbcBatchLog(this.jdbc, this.settings.tablePrefix());
		this.pauses = new JdbcPauses(this.jdbc, this.settings.tablePrefix());
		this.discrepancies = new JdbcDiscrepancies(this.jdbc, this.settings.tablePrefix());
		this.history = new BackfillHistory(backfills, this.dataSource, this.jobRepository, this.jdbc, this.pauses,
				this.discrepancies);
		this.jobs = new BackfillJobs(this.jobRepository, this.transactionManager, this.jdbc, this.log);
		this.executions = new Executions(this.dataSource, this.jobRepository, this.transactionManager, this.history);
		this.check = new DeclarationCheck(this.jdbc, this.transactionManager, this.jobRepository,
				new BackfillTables(this.jdbc, this.settings.tablePrefix()));
	}

	/**
	 * Starts building the operator of some backfills on a database.
	 * @param dataSource the target database, also the job repository's: a batch's writes,
	 * its log row and its checkpoint commit in one transaction of it
	 * @param backfills the declared backfills
	 * @return the builder
	 * @throws InvalidBackfillException when two backfills share a name
	 */
	public static Builder create(DataSource dataSource, Collection<Backfill> backfills) {
		return new Builder(dataSource, new Backfills(backfills));
	}

	/**
	 * Starts building the operator of some backfills on a database.
	 * @param dataSource the target database, also the job repository's
	 * @param backfills the declared backfills
	 * @return the builder
	 * @throws InvalidBackfillException when two backfills share a name
	 */
	public static Builder create(DataSource dataSource, Backfill... backfills) {
		return create(dataSource, List.of(backfills));
	}

	/**
	 * Builds a {@link DefaultBackfillOperator}; what is not given has its default.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final DataSource dataSource;

		private final Backfills backfills;

		private @Nullable PlatformTransactionManager transactionManager;

		private @Nullable JobRepository jobRepository;

		private BackfillSettings settings = BackfillSettings.DEFAULTS;

		private final List<BackfillThrottle> throttles = new ArrayList<>();

		private final List<ProgressListener> listeners = new ArrayList<>();

		private final Map<String, Tuning> tuning = new LinkedHashMap<>();

		private Builder(DataSource dataSource, Backfills backfills) {
			this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
			this.backfills = backfills;
		}

		/**
		 * @param transactionManager the transaction manager of the data source; by
		 * default a {@link JdbcTransactionManager} of its own
		 * @return this builder
		 */
		public Builder transactionManager(PlatformTransactionManager transactionManager) {
			this.transactionManager = transactionManager;
			return this;
		}

		/**
		 * @param jobRepository a JDBC job repository on the same data source, sharing the
		 * transaction manager; by default one of its own, on Spring Batch's tables
		 * @return this builder
		 */
		public Builder jobRepository(JobRepository jobRepository) {
			this.jobRepository = jobRepository;
			return this;
		}

		/**
		 * @param settings the engine settings; by default
		 * {@link BackfillSettings#DEFAULTS}
		 * @return this builder
		 */
		public Builder settings(BackfillSettings settings) {
			this.settings = Objects.requireNonNull(settings, "settings");
			return this;
		}

		/**
		 * @param throttles asked before every batch of every run, in order, after those
		 * given before
		 * @return this builder
		 */
		public Builder throttles(Collection<? extends BackfillThrottle> throttles) {
			this.throttles.addAll(throttles);
			return this;
		}

		/**
		 * @param listeners told of every batch, retry and hold of every run and rollback,
		 * before the caller's listener
		 * @return this builder
		 */
		public Builder listeners(Collection<? extends ProgressListener> listeners) {
			this.listeners.addAll(listeners);
			return this;
		}

		/**
		 * @param name a declared backfill
		 * @param tuning its settings and throttles, in place of those of every other one
		 * @return this builder
		 */
		public Builder tuning(String name, Tuning tuning) {
			this.tuning.put(name, tuning);
			return this;
		}

		/**
		 * @return the operator
		 * @throws InvalidBackfillException when a tuned name is not a declared backfill
		 */
		public DefaultBackfillOperator build() {
			return new DefaultBackfillOperator(this);
		}

	}

	@Override
	public List<Backfill> backfills() {
		return this.backfills.all();
	}

	@Override
	public void validate() {
		this.check.validate(this.backfills.all());
	}

	@Override
	public BackfillResult run(String name, RunOptions options, ProgressListener listener) {
		Backfill backfill = this.backfills.get(name);
		checkRepository();
		TableShape shape = shape(backfill);
		return holdingLock(name, "Backfill '" + name + "'", "run it again to resume it", (lock, stoppable) -> {
			RunPlan plan = plan(backfill, Pass.run(backfill, shape), shape, options.batchSize(), listener, lock, null);
			JobHandle<BackfillTasklet> run = this.jobs.build(plan);
			stoppable.accept(run.tasklet()::requestStop);
			return this.executions.run(plan, run, () -> resumableRun(name));
		});
	}

	// the run to restart, as the job repository says now: the last one unless it
	// completed or a rollback undid it
	private @Nullable JobExecution resumableRun(String name) {
		JobExecution previous = this.history.last(name);
		JobExecution rollback = this.history.last(JobNames.rollback(name));
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

	/** Work done holding a backfill's run lock. */
	@FunctionalInterface
	private interface LockedWork<T> {

		/**
		 * @param lock the run lock, held
		 * @param stoppable takes how to stop the work, so that {@link #stop} and
		 * {@link #stopAll} reach it
		 */
		T call(RunLock lock, Consumer<Runnable> stoppable) throws Exception;

	}

	// takes the run lock (only one run, verify or rollback of a backfill at a time),
	// keeps the work stoppable while
	// it goes, and says which work failed to launch
	private <T> T holdingLock(String name, String what, String again, LockedWork<T> work) {
		try (RunLock lock = RunLock.tryAcquire(this.dataSource, name)
			.orElseThrow(() -> new BackfillAlreadyRunningException(name, this.history.owner(name)))) {
			List<Active> registered = new ArrayList<>(1);
			try {
				return work.call(lock, (stop) -> {
					Active active = new Active(stop, new CountDownLatch(1));
					registered.add(active);
					this.active.put(name, active);
				});
			}
			finally {
				for (Active active : registered) {
					this.active.remove(name, active);
					active.done().countDown();
				}
			}
		}
		catch (BackfillException ex) {
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new BackfillException(what + " was interrupted; " + again + ".", ex);
		}
		catch (Exception ex) {
			throw new BackfillException(what + " could not be launched: " + rootMessage(ex), ex);
		}
	}

	// everything a run or a rollback needs, resolved once: the job reads only this
	private RunPlan plan(Backfill backfill, Pass pass, TableShape shape, int override, ProgressListener listener,
			RunLock lock, @Nullable KeyRange undo) {
		String name = backfill.name();
		return new RunPlan(backfill, pass, shape, batchSize(backfill, override), sizing(backfill, override),
				settings(name), throttles(name), withListeners(listener), lock, undo);
	}

	private BackfillSettings settings(String name) {
		Tuning tuned = this.tuning.get(name);
		return (tuned != null) ? tuned.settings() : this.settings;
	}

	private List<BackfillThrottle> throttles(String name) {
		Tuning tuned = this.tuning.get(name);
		return (tuned != null) ? tuned.throttles() : this.throttles;
	}

	private ProgressListener withListeners(ProgressListener listener) {
		if (this.listeners.isEmpty()) {
			return listener;
		}
		List<ProgressListener> all = new ArrayList<>(this.listeners);
		all.add(listener);
		return ProgressListener.all(all);
	}

	@Override
	public boolean stop(String name) {
		this.backfills.get(name);
		Active here = this.active.get(name);
		if (here != null) {
			here.requestStop().run();
			return true;
		}
		if (!RunLock.isHeld(this.dataSource, name)) {
			return false;
		}
		// another process runs it, verifies it or rolls it back
		return this.executions.stop(List.of(name, JobNames.rollback(name), JobNames.verify(name)));
	}

	@Override
	public void pause(String name, String by) {
		this.backfills.get(name);
		this.pauses.pause(name, by);
		logger.info("Backfill '{}' paused by {}", name, by);
	}

	@Override
	public boolean resume(String name) {
		this.backfills.get(name);
		return this.pauses.resume(name);
	}

	@Override
	public boolean stopAll(Duration timeout) {
		List<Active> runs = List.copyOf(this.active.values());
		runs.forEach((a) -> a.requestStop().run());
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			for (Active run : runs) {
				if (!run.done().await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					return false;
				}
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	// a run, rollback or verify of this process, by backfill name: the run lock lets only
	// one of them go at a time
	private record Active(Runnable requestStop, CountDownLatch done) {
	}

	@Override
	public Verification verify(String name) {
		Backfill backfill = this.backfills.get(name);
		checkRepository();
		TableShape shape = shape(backfill, DeclarationCheck.Work.VERIFY);
		String job = JobNames.verify(name);
		return holdingLock(name, "Verify of '" + name + "'", "'backfill verify " + name + "' resumes it",
				(lock, stoppable) -> {
					JobExecution previous = this.history.last(job);
					BackfillSettings settings = settings(name);
					JobHandle<VerifyTasklet> verify = this.jobs.buildVerify(backfill, shape,
							Math.max(settings.batchSize(), settings.sizing().max()), settings, this.discrepancies,
							lock);
					stoppable.accept(verify.tasklet()::requestStop);
					JobExecution execution = this.executions.launch(name, verify.job(), previous,
							BackfillHistory.unfinished(previous) && !this.history.changedSince(name, previous));
					if (LockWatch.lostIn(execution.getAllFailureExceptions())) {
						throw new BackfillLockLostException(name, this.history.owner(name));
					}
					if (execution.getStatus() != BatchStatus.COMPLETED) {
						throw new BackfillException(
								"Verify of '" + name + "' did not finish (job execution " + execution.getId() + ", "
										+ execution.getStatus() + "): " + BackfillHistory.failure(execution)
										+ ". 'backfill verify " + name + "' resumes it from its checkpoint.");
					}
					Verification verification = this.history.verification(backfill, execution);
					logger.info("Backfill '{}' verified: {} keys checked, {} discrepancies", name,
							verification.keysChecked(), verification.discrepancies());
					return verification;
				});
	}

	@Override
	public BackfillResult rollback(String name, ProgressListener listener) {
		Backfill backfill = this.backfills.get(name);
		if (backfill.rollback() == null) {
			throw new OneWayBackfillException(name, Objects.requireNonNull(backfill.oneWay()));
		}
		checkRepository();
		TableShape shape = shape(backfill, DeclarationCheck.Work.ROLLBACK);
		String job = JobNames.rollback(name);
		return holdingLock(name, "Rollback of '" + name + "'", "'backfill rollback " + name + "' resumes it",
				(lock, stoppable) -> {
					JobExecution previous = this.history.last(job);
					boolean unfinished = BackfillHistory.unfinished(previous);
					KeyRange committed = null;
					if (!unfinished) {
						JobExecution lastRun = this.history.last(name);
						long since = (previous != null) ? previous.getId() : 0;
						committed = (lastRun != null && lastRun.getId() > since) ? committedRange(name, shape, since)
								: null;
						if (committed == null) {
							logger.info("Backfill '{}': nothing to roll back, no batch was committed since the last "
									+ "rollback", name);
							return BackfillResult.nothingToRollBack(name);
						}
						if (BackfillHistory.isRunning(lastRun) || BackfillHistory.isUnknown(lastRun)) {
							// we hold the run lock: the process that ran it died; its
							// checkpoint is what it committed
							this.executions.markFailed(lastRun);
						}
						logger.info("Backfill '{}': rolling back the ranges it committed, {}", name, committed);
					}
					RunPlan plan = plan(backfill, Pass.rollback(backfill, shape), shape, 0, listener, lock, committed);
					JobHandle<BackfillTasklet> run = this.jobs.build(plan);
					stoppable.accept(run.tasklet()::requestStop);
					return this.executions.run(plan, run, () -> {
						JobExecution last = this.history.last(job);
						return BackfillHistory.unfinished(last) ? last : null;
					});
				});
	}

	// the union of the ranges the runs after a job execution committed, in the key
	// column's own order
	private @Nullable KeyRange committedRange(String name, TableShape shape, long afterExecution) {
		String collation = (shape.keyType() == KeyType.TEXT) ? this.jdbc.sql("""
				SELECT quote_ident(n.nspname) || '.' || quote_ident(c.collname)
				FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
				JOIN pg_namespace n ON n.oid = c.collnamespace
				WHERE a.attrelid = CAST(:table AS regclass) AND a.attname = :key""")
			.param("table", shape.table().sql())
			.param("key", shape.key())
			.query(String.class)
			.optional()
			.orElse(null) : null;
		return this.log.committedRange(name, afterExecution, shape.keyType(), collation).orElse(null);
	}

	@Override
	public List<RemovalNotice> removalsDue() {
		return this.history.removalsDue();
	}

	@Override
	public BackfillStatus status(String name) {
		return this.history.status(name);
	}

	@Override
	public Estimate dryRun(String name, DryRunOptions options) {
		Backfill backfill = this.backfills.get(name);
		checkRepository();
		TableShape shape = shape(backfill, DeclarationCheck.Work.DRY_RUN);
		// held while it samples: a run's row locks would hold its samples, and it would
		// measure a table being changed
		try (RunLock lock = RunLock.tryAcquire(this.dataSource, name)
			.orElseThrow(() -> new BackfillAlreadyRunningException(name, this.history.owner(name)))) {
			return dryRun(backfill, shape, options, lock);
		}
	}

	private Estimate dryRun(Backfill backfill, TableShape shape, DryRunOptions options, RunLock lock) {
		String name = backfill.name();
		BackfillSettings settings = settings(name);
		JobHandle<DryRunTasklet> dryRun;
		try {
			// sampling key positions reads a few hundred pages: bounded by the statement
			// timeout all the same
			dryRun = new TransactionTemplate(this.transactionManager).execute((tx) -> {
				tx.setRollbackOnly();
				this.jdbc.sql("SELECT set_config('statement_timeout', :timeout, true)")
					.param("timeout", settings.statementTimeout().toMillis() + "ms")
					.query()
					.listOfRows();
				return this.jobs.buildDryRun(backfill, shape, batchSize(backfill, options.batchSize()),
						sizing(backfill, options.batchSize()), settings, options, lock);
			});
		}
		catch (DataAccessException ex) {
			throw new BackfillException(
					"Dry-run of '" + name + "' could not sample " + backfill.table() + ": " + rootMessage(ex), ex);
		}
		JobExecution execution;
		try {
			execution = this.executions.launch(name, dryRun.job(), null, false);
		}
		catch (Exception ex) {
			throw new BackfillException("Dry-run of '" + name + "' could not be launched: " + rootMessage(ex), ex);
		}
		Estimate estimate = dryRun.tasklet().estimate();
		if (execution.getStatus() != BatchStatus.COMPLETED || estimate == null) {
			throw new BackfillException("Dry-run of '" + name + "' failed (job execution " + execution.getId() + "): "
					+ BackfillHistory.failure(execution) + ". Nothing was committed to " + backfill.table() + ".");
		}
		logger.info(
				"Backfill '{}' dry-run: {} batches of {} keys, about {} s ({} to {} s), longest batch {} ms, "
						+ "idempotent {}",
				name, estimate.batches(), estimate.batchSize(), Math.round(estimate.estimatedSeconds()),
				Math.round(estimate.estimatedSecondsLow()), Math.round(estimate.estimatedSecondsHigh()),
				estimate.maxBatchMillis(), estimate.idempotent());
		return estimate;
	}

	private TableShape shape(Backfill backfill) {
		return shape(backfill, DeclarationCheck.Work.RUN);
	}

	private TableShape shape(Backfill backfill, DeclarationCheck.Work work) {
		return this.check.shape(backfill, work);
	}

	private void checkRepository() {
		this.check.checkRepository();
	}

	// a size the declaration or the run names is kept; otherwise batches adapt to the
	// target duration
	private @Nullable BatchSizing sizing(Backfill backfill, int override) {
		BackfillSettings settings = settings(backfill.name());
		boolean fixed = override > 0 || backfill.batchSize() > 0 || !settings.sizing().adapts();
		return fixed ? null : settings.sizing();
	}

	private int batchSize(Backfill backfill, int override) {
		return (override > 0) ? override
				: (backfill.batchSize() > 0) ? backfill.batchSize() : settings(backfill.name()).batchSize();
	}

	static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage().strip() : root.getClass().getSimpleName();
	}

	// work started in the background (start, lastStarted): the latest by backfill, and
	// what goes on, so that a dry-run and a run of one backfill do not overlap
	private final Map<String, Started> started = new ConcurrentHashMap<>();

	private final Map<String, Started> going = new ConcurrentHashMap<>();

	private final SimpleAsyncTaskExecutor background = backgroundExecutor();

	// the application's shutdown stops its runs (stopAll); these threads must not keep
	// the JVM alive
	private static SimpleAsyncTaskExecutor backgroundExecutor() {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("backfill-background-");
		executor.setDaemon(true);
		return executor;
	}

	@Override
	public BackgroundWork start(String name, BackgroundWork.Task task, String by) {
		this.backfills.get(name);
		BackfillStatus status = status(name);
		if (status.state() == BackfillState.RUNNING || status.state() == BackfillState.PAUSED) {
			throw new BackfillAlreadyRunningException(name,
					(status.owner() != null) ? status.owner() : "another process");
		}
		Started work = new Started(name, task, by, Instant.now());
		Started other = this.going.putIfAbsent(name, work);
		if (other != null) {
			throw new BackfillAlreadyRunningException(name, "this application (" + other.task().kind().word()
					+ " asked by " + other.by() + " at " + other.startedAt().truncatedTo(ChronoUnit.SECONDS) + ")");
		}
		this.started.put(name, work);
		try {
			this.background.execute(() -> {
				try {
					work.end(perform(name, task), null);
				}
				catch (RuntimeException ex) {
					work.end(new BackgroundWork.Outcome(Instant.now(), failure(ex), true), ex);
				}
				catch (Error ex) {
					work.end(new BackgroundWork.Outcome(Instant.now(), String.valueOf(ex), true), null);
					throw ex;
				}
				finally {
					// the outcome first: newer work cannot start before it is kept
					this.going.remove(name, work);
				}
			});
		}
		catch (RuntimeException ex) {
			this.going.remove(name, work);
			throw ex;
		}
		return work;
	}

	@Override
	public @Nullable BackgroundWork lastStarted(String name) {
		this.backfills.get(name);
		return this.started.get(name);
	}

	private BackgroundWork.Outcome perform(String name, BackgroundWork.Task task) {
		return switch (task.kind()) {
			case RUN -> ended(run(name, task.runOptions(), ProgressListener.NONE));
			case ROLLBACK -> ended(rollback(name, ProgressListener.NONE));
			case DRY_RUN -> ended(dryRun(name, task.dryRunOptions()));
			case VERIFY -> ended(verify(name));
		};
	}

	private static String failure(RuntimeException ex) {
		return (ex instanceof BackfillException) ? String.valueOf(ex.getMessage()) : String.valueOf(ex);
	}

	private static BackgroundWork.Outcome ended(BackfillResult result) {
		if (result.state() == BackfillState.NOTHING_TO_ROLL_BACK) {
			return new BackgroundWork.Outcome(Instant.now(),
					"nothing to roll back: no batch was committed since the last rollback", false);
		}
		return new BackgroundWork.Outcome(Instant.now(),
				String.format("%s: %,d rows in %,d batches%s", result.state().name().toLowerCase(Locale.ROOT),
						result.rows(), result.batches(), (result.failure() != null) ? ": " + result.failure() : ""),
				result.state() == BackfillState.FAILED);
	}

	private static BackgroundWork.Outcome ended(Verification verification) {
		return new BackgroundWork.Outcome(Instant.now(),
				verification.passed()
						? String.format("verified: %,d keys checked, no discrepancy", verification.keysChecked())
						: String.format("%,d discrepancies in %,d keys checked; first keys %s",
								verification.discrepancies(), verification.keysChecked(),
								String.join(", ", verification.firstKeys())),
				false);
	}

	private static BackgroundWork.Outcome ended(Estimate estimate) {
		return new BackgroundWork.Outcome(Instant.now(),
				String.format("estimated: ~%,.1f s (%,.1f s to %,.1f s) at batch size %,d, longest batch %,d ms",
						estimate.estimatedSeconds(), estimate.estimatedSecondsLow(), estimate.estimatedSecondsHigh(),
						estimate.batchSize(), estimate.maxBatchMillis()),
				false);
	}

	// work started in the background; its outcome is kept under its own lock
	private static final class Started implements BackgroundWork {

		private final String backfill;

		private final Task task;

		private final String by;

		private final Instant startedAt;

		private @Nullable Outcome outcome;

		private @Nullable RuntimeException failure;

		private int waiting;

		Started(String backfill, Task task, String by, Instant startedAt) {
			this.backfill = backfill;
			this.task = task;
			this.by = by;
			this.startedAt = startedAt;
		}

		@Override
		public String backfill() {
			return this.backfill;
		}

		@Override
		public Task task() {
			return this.task;
		}

		@Override
		public String by() {
			return this.by;
		}

		@Override
		public Instant startedAt() {
			return this.startedAt;
		}

		@Override
		public synchronized @Nullable Outcome outcome() {
			return this.outcome;
		}

		@Override
		public synchronized @Nullable Outcome await(Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			this.waiting++;
			try {
				long left = timeout.toNanos();
				while (this.outcome == null && left > 0) {
					TimeUnit.NANOSECONDS.timedWait(this, left);
					left = deadline - System.nanoTime();
				}
			}
			finally {
				this.waiting--;
			}
			if (this.failure != null) {
				throw this.failure;
			}
			return this.outcome;
		}

		// a failure is reported once: to the callers waiting for it, else in the log
		synchronized void end(Outcome outcome, @Nullable RuntimeException failure) {
			this.outcome = outcome;
			this.failure = failure;
			if (failure != null && this.waiting == 0) {
				String work = this.task.kind().word();
				if (failure instanceof BackfillException) {
					logger.warn("Backfill '{}': {} asked by {} failed: {}", this.backfill, work, this.by,
							failure.getMessage());
				}
				else {
					logger.error("Backfill '{}': {} asked by {} failed", this.backfill, work, this.by, failure);
				}
			}
			notifyAll();
		}

	}

	@Override
	public List<BatchSummary> recentBatches(String name, int limit) {
		this.backfills.get(name);
		return this.log.recent(name, limit)
			.stream()
			.map((r) -> new BatchSummary(r.batchNo(), r.fromKey(), r.fromIncluded(), r.toKey(), r.rowsAffected(),
					r.durationMs(), r.startedAt()))
			.toList();
	}

}

package dev.backfill.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillSettings;
import dev.backfill.BackfillStatus;
import dev.backfill.BackfillThrottle;
import dev.backfill.Backfills;
import dev.backfill.BackgroundWork;
import dev.backfill.BatchSummary;
import dev.backfill.DryRunOptions;
import dev.backfill.Estimate;
import dev.backfill.InvalidBackfillException;
import dev.backfill.PartitionQueue;
import dev.backfill.ProgressListener;
import dev.backfill.Readiness;
import dev.backfill.RemovalNotice;
import dev.backfill.RunOptions;
import dev.backfill.RunSummary;
import dev.backfill.Tuning;
import dev.backfill.Verification;
import dev.backfill.jdbc.BackfillTables;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.JdbcDiscrepancies;
import dev.backfill.jdbc.JdbcPauses;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

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

	private final Engine engine;

	private final JdbcPauses pauses;

	private final Walks walks;

	private final Verifications verifications;

	private final DryRuns dryRuns;

	private final Background background;

	private final Workers workers;

	private final SchemaWalks schemaWalks;

	// builds the engine once: each kind of work is a type of its own over its parts
	private DefaultBackfillOperator(Builder builder) {
		Tunings tunings = new Tunings(builder.backfills, builder.settings, builder.throttles, builder.listeners,
				builder.tuning);
		DataSource dataSource = builder.dataSource;
		PlatformTransactionManager transactionManager = (builder.transactionManager != null)
				? builder.transactionManager : new JdbcTransactionManager(dataSource);
		JobRepository jobRepository = (builder.jobRepository != null) ? builder.jobRepository
				: JobRepositories.jdbc(dataSource, transactionManager);
		String prefix = builder.settings.tablePrefix();
		JdbcClient jdbc = JdbcClient.create(dataSource);
		JdbcBatchLog log = new JdbcBatchLog(jdbc, prefix);
		JdbcDiscrepancies discrepancies = new JdbcDiscrepancies(jdbc, prefix);
		this.backfills = builder.backfills;
		this.pauses = new JdbcPauses(jdbc, prefix);
		BackfillHistory history = new BackfillHistory(this.backfills, dataSource, jobRepository, jdbc, this.pauses,
				discrepancies);
		Executions executions = new Executions(dataSource, jobRepository, transactionManager, history);
		DeclarationCheck check = new DeclarationCheck(jdbc, transactionManager, jobRepository,
				new BackfillTables(jdbc, prefix));
		BackfillJobs jobs = new BackfillJobs(jobRepository, transactionManager, jdbc, log, dataSource, builder.remote);
		this.engine = new Engine(check, new LockedRuns(dataSource, history), tunings, jobs, executions, history, log,
				discrepancies, transactionManager, jdbc);
		this.walks = new Walks(this.engine);
		this.verifications = new Verifications(this.engine);
		this.dryRuns = new DryRuns(this.engine);
		this.background = new Background(this);
		this.workers = new Workers(this.engine, this.backfills, jobRepository, dataSource);
		this.schemaWalks = new SchemaWalks(jdbc);
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

		private @Nullable RemoteSettings remote;

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
		 * Lets runs hand their partitions to worker processes
		 * ({@link RunOptions#remote()}), which take them from a queue and walk them with
		 * {@link DefaultBackfillOperator#work}.
		 * @param queue where partitions are put for the workers
		 * @param pollInterval how often the run reads its partitions' state from the job
		 * repository: a partition whose worker died is handed out again after two polls
		 * @param staleAfter how long a running partition may go without an update (a
		 * batch, or a hold's heartbeat) before its worker is taken for hung and its
		 * sessions are ended
		 * @return this builder
		 * @throws IllegalArgumentException when the poll interval is not positive, or
		 * {@code staleAfter} not longer than it
		 * @since 0.2.0
		 */
		public Builder partitionQueue(PartitionQueue queue, Duration pollInterval, Duration staleAfter) {
			this.remote = new RemoteSettings(Objects.requireNonNull(queue, "queue"), pollInterval, staleAfter);
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
		List<Backfill> walks = new ArrayList<>();
		for (Backfill backfill : this.backfills.all()) {
			List<Backfill> each = this.schemaWalks.walks(backfill);
			if (each.isEmpty()) {
				logger.warn("Backfill '{}': no schema matches {} yet; a run walks those there are then",
						backfill.name(), backfill.schemas());
			}
			walks.addAll(each);
		}
		this.engine.check().validate(walks);
	}

	@Override
	public BackfillResult run(String name, RunOptions options, ProgressListener listener) {
		Backfill backfill = this.backfills.get(name);
		if (backfill.schemas() != null) {
			return this.schemaWalks.run(backfill, this::status, (walk) -> this.walks.run(walk, options, listener));
		}
		return this.walks.run(backfill, options, listener);
	}

	/**
	 * Walks a partition that a run handed to worker processes put on its
	 * {@link PartitionQueue}: a worker's part, called for each partition it takes, in the
	 * thread that took it, until the partition ends or stops. A partition that another
	 * worker walks, or that ended, is passed over; one whose worker died is taken over
	 * from its checkpoint.
	 * @param stepName the worker step the request names
	 * @param stepExecutionId the partition's step execution
	 * @return whether this process walked it
	 * @since 0.2.0
	 */
	public boolean work(String stepName, long stepExecutionId) {
		return this.workers.work(stepName, stepExecutionId) != null;
	}

	/**
	 * This worker process leaves: it walks no more partitions, and those it walks end
	 * after their batch in flight; their runs hand them to other workers, which go on
	 * from their checkpoints. Call it before the process closes its connection pool.
	 * @param timeout how long to wait for the partitions to end
	 * @return whether they all ended in time
	 * @since 0.2.0
	 */
	public boolean leave(Duration timeout) {
		return this.workers.leave(timeout);
	}

	@Override
	public boolean stop(String name) {
		Backfill backfill = this.backfills.get(name);
		if (backfill.schemas() != null) {
			boolean stopped = false;
			for (Backfill walk : this.schemaWalks.walks(backfill)) {
				stopped |= stop(walk.name());
			}
			return stopped;
		}
		LockedRuns locked = this.engine.locked();
		// when not here, another process may run it, verify it or roll it back; a run
		// here whose partitions worker processes walk passes the stop on to them
		return locked.stop(name) || locked.isHeld(name)
				&& this.engine.executions().stop(List.of(name, JobNames.rollback(name), JobNames.verify(name)));
	}

	@Override
	public void pause(String name, String by) {
		Backfill backfill = this.backfills.get(name);
		if (backfill.schemas() != null) {
			this.schemaWalks.walks(backfill).forEach((walk) -> pause(walk.name(), by));
			return;
		}
		this.pauses.pause(name, by);
		logger.info("Backfill '{}' paused by {}", name, by);
	}

	@Override
	public boolean resume(String name) {
		Backfill backfill = this.backfills.get(name);
		if (backfill.schemas() != null) {
			boolean resumed = false;
			for (Backfill walk : this.schemaWalks.walks(backfill)) {
				resumed |= this.pauses.resume(walk.name());
			}
			return resumed;
		}
		return this.pauses.resume(name);
	}

	@Override
	public boolean stopAll(Duration timeout) {
		return this.engine.locked().stopAll(timeout);
	}

	@Override
	public Verification verify(String name, RunOptions options) {
		Backfill backfill = this.backfills.get(name);
		if (backfill.schemas() != null) {
			Verification all = this.schemaWalks.verify(backfill, (walk) -> this.verifications.verify(walk, options));
			if (all == null) {
				throw new BackfillException("Backfill '" + name + "': no schema matches " + backfill.schemas()
						+ ", so there is nothing to verify. Create the schemas, then run it.");
			}
			return all;
		}
		return this.verifications.verify(backfill, options);
	}

	@Override
	public BackfillResult rollback(String name, RunOptions options, ProgressListener listener) {
		Backfill backfill = this.backfills.get(name);
		if (backfill.schemas() != null) {
			return this.schemaWalks.rollback(backfill, (walk) -> this.walks.rollback(walk, options, listener));
		}
		return this.walks.rollback(backfill, options, listener);
	}

	@Override
	public List<RemovalNotice> removalsDue() {
		return this.engine.history().removalsDue();
	}

	@Override
	public BackfillStatus status(String name) {
		return this.engine.history().status(name);
	}

	@Override
	public Readiness readiness(String name) {
		Backfill backfill = this.backfills.find(name).orElse(null);
		if (backfill != null && backfill.schemas() != null) {
			return this.schemaWalks.readiness(backfill, this::readiness);
		}
		BackfillHistory history = this.engine.history();
		if (backfill == null && !history.recorded(name)) {
			// a declaration over schemas, not declared here (the gate of a migration):
			// its schemas' walks answer
			List<String> walks = history.recordedWalks(name);
			if (!walks.isEmpty()) {
				return SchemaWalks.readiness(name, walks, (walk) -> history.readiness(walk, false));
			}
		}
		// removed with the contract step it gates: its record still answers
		boolean declared = backfill != null || !history.recorded(name);
		return history.readiness(name, declared);
	}

	@Override
	public Estimate dryRun(String name, DryRunOptions options) {
		Backfill backfill = this.backfills.get(name);
		if (backfill.schemas() != null) {
			List<String> schemas = this.schemaWalks.walks(backfill).stream().map(Backfill::name).toList();
			throw new InvalidBackfillException("Backfill '" + name + "' runs over " + schemas.size()
					+ " schemas, and a dry-run measures one table: dry-run one schema's walk, such as "
					+ "'backfill dry-run " + (schemas.isEmpty() ? name + "@SCHEMA" : schemas.get(0)) + "'"
					+ (schemas.isEmpty() ? " (no schema matches " + backfill.schemas() + " yet)."
							: ", the schemas' walks being " + String.join(", ", schemas) + "."));
		}
		return this.dryRuns.dryRun(backfill, options);
	}

	@Override
	public BackgroundWork start(String name, BackgroundWork.Task task, String by) {
		Backfill backfill = this.backfills.get(name);
		if (task.kind() == BackgroundWork.Kind.RUN) {
			// refused now, as a run already going is, not later in the background
			new RunOrder(this.engine.history()).check(backfill);
		}
		return this.background.start(name, task, by);
	}

	@Override
	public @Nullable BackgroundWork lastStarted(String name) {
		this.backfills.get(name);
		return this.background.lastStarted(name);
	}

	@Override
	public List<RunSummary> history(String name, int limit) {
		Backfill backfill = this.backfills.find(name).orElse(null);
		if (backfill != null && backfill.schemas() != null) {
			// the runs of its schemas' walks, latest first
			return this.schemaWalks.walks(backfill)
				.stream()
				.flatMap((walk) -> this.engine.history().history(walk.name(), limit).stream())
				.sorted(Comparator.comparingLong(RunSummary::jobExecutionId).reversed())
				.limit(limit)
				.toList();
		}
		return this.engine.history().history(name, limit);
	}

	@Override
	public List<BatchSummary> recentBatches(String name, int limit) {
		Backfill backfill = this.backfills.get(name);
		if (backfill.schemas() != null) {
			// the latest of its schemas' walks, oldest first
			List<BatchSummary> all = this.schemaWalks.walks(backfill)
				.stream()
				.flatMap((walk) -> recentBatches(walk.name(), limit).stream())
				.sorted(Comparator.comparing(BatchSummary::startedAt))
				.toList();
			return all.subList(Math.max(0, all.size() - limit), all.size());
		}
		return this.engine.log()
			.recent(name, limit)
			.stream()
			.map((r) -> new BatchSummary(r.batchNo(), r.fromKey(), r.fromIncluded(), r.toKey(), r.rowsAffected(),
					r.durationMs(), r.startedAt()))
			.toList();
	}

	// the innermost cause's message, for messages that name what failed
	static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage().strip() : root.getClass().getSimpleName();
	}

}

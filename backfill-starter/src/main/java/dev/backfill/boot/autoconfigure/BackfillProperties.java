package dev.backfill.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.backfill.Backfill;
import dev.backfill.BackfillSchema;
import dev.backfill.BackfillSettings;
import dev.backfill.BackfillThrottle;
import dev.backfill.BatchSizing;
import dev.backfill.DryRunOptions;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Configuration of the backfill engine, bound to {@code backfill.*}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("backfill")
public class BackfillProperties {

	/**
	 * Whether to configure the backfill engine at all.
	 */
	private boolean enabled = true;

	/**
	 * Keys per batch for backfills that declare no batch size: of every batch when the
	 * target batch duration is 0, else of the first one.
	 */
	private int batchSize = Backfill.DEFAULT_BATCH_SIZE;

	/**
	 * Longest wait for a lock inside a batch (SET LOCAL lock_timeout); 0 waits forever.
	 */
	private Duration lockTimeout = BackfillSettings.DEFAULT_LOCK_TIMEOUT;

	/**
	 * Longest statement inside a batch (SET LOCAL statement_timeout); 0 disables it.
	 * Unset: ten times the target batch duration, at least 5 s (30 s when the target is
	 * 0).
	 */
	private @Nullable Duration statementTimeout;

	/**
	 * How long a batch's statement should hold its row locks; batches adapt their size
	 * toward it unless a size is fixed (--batch-size, or .batchSize(n) in the
	 * declaration). 0 keeps every batch at backfill.batch-size.
	 */
	private Duration targetBatchDuration = BatchSizing.DEFAULTS.target();

	/**
	 * Fewest keys per batch when batches adapt.
	 */
	private int minBatchSize = BatchSizing.DEFAULTS.min();

	/**
	 * Most keys per batch when batches adapt.
	 */
	private int maxBatchSize = BatchSizing.DEFAULTS.max();

	/**
	 * Whether to check every declaration against the database at startup (tables,
	 * columns, unique key, statements), refusing to start when one does not fit, naming
	 * every problem; a backfill command checks them before it runs instead, and exits
	 * with code 2. Statements a role that may only read cannot plan are logged as
	 * unchecked.
	 */
	private boolean validateOnStartup = true;

	/**
	 * Backfills to run in the background once the application is ready, one after another
	 * (a backfill after those it runs after). Of a fleet started together, the run lock
	 * lets one instance run each; a run stopped or crashed resumes at the next start. A
	 * backfill command runs none.
	 */
	private List<String> runOnStartup = new ArrayList<>();

	/**
	 * Longest wait, when the application shuts down, for its runs to finish their batch
	 * in flight and stop.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(60);

	private final Jdbc jdbc = new Jdbc();

	private final Cli cli = new Cli();

	private final DryRun dryRun = new DryRun();

	private final Retry retry = new Retry();

	private final Throttle throttle = new Throttle();

	private final Remote remote = new Remote();

	/**
	 * Settings of one backfill, by its name, overriding the ones above; what is left out
	 * keeps the global value.
	 */
	private final Map<String, Job> jobs = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(int batchSize) {
		this.batchSize = batchSize;
	}

	public Duration getLockTimeout() {
		return this.lockTimeout;
	}

	public void setLockTimeout(Duration lockTimeout) {
		this.lockTimeout = lockTimeout;
	}

	public @Nullable Duration getStatementTimeout() {
		return this.statementTimeout;
	}

	public void setStatementTimeout(@Nullable Duration statementTimeout) {
		this.statementTimeout = statementTimeout;
	}

	public Duration getTargetBatchDuration() {
		return this.targetBatchDuration;
	}

	public void setTargetBatchDuration(Duration targetBatchDuration) {
		this.targetBatchDuration = targetBatchDuration;
	}

	public int getMinBatchSize() {
		return this.minBatchSize;
	}

	public void setMinBatchSize(int minBatchSize) {
		this.minBatchSize = minBatchSize;
	}

	public int getMaxBatchSize() {
		return this.maxBatchSize;
	}

	public void setMaxBatchSize(int maxBatchSize) {
		this.maxBatchSize = maxBatchSize;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public List<String> getRunOnStartup() {
		return this.runOnStartup;
	}

	public void setRunOnStartup(List<String> runOnStartup) {
		this.runOnStartup = runOnStartup;
	}

	public boolean isValidateOnStartup() {
		return this.validateOnStartup;
	}

	public void setValidateOnStartup(boolean validateOnStartup) {
		this.validateOnStartup = validateOnStartup;
	}

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	public Cli getCli() {
		return this.cli;
	}

	public DryRun getDryRun() {
		return this.dryRun;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Throttle getThrottle() {
		return this.throttle;
	}

	public Map<String, Job> getJobs() {
		return this.jobs;
	}

	public Remote getRemote() {
		return this.remote;
	}

	/**
	 * Partitions handed to worker processes over RabbitMQ (backfill run NAME --remote,
	 * and backfill worker); the broker is Spring Boot's, set with spring.rabbitmq.*.
	 */
	public static class Remote {

		/**
		 * Queue the partitions travel on, declared durable; the run and its workers must
		 * name the same one.
		 */
		private String queue = "backfill.partitions";

		/**
		 * How often the run reads its partitions' state from the job repository; a
		 * partition whose worker died is handed out again after two polls.
		 */
		private Duration pollInterval = Duration.ofSeconds(2);

		/**
		 * How long a running partition may go without an update (a batch, or a hold's
		 * heartbeat every 10 s) before its worker is taken for hung and its sessions are
		 * ended.
		 */
		private Duration staleAfter = Duration.ofMinutes(2);

		/**
		 * Partitions a worker walks at once, each in a thread of its own.
		 */
		private int workerThreads = 4;

		public String getQueue() {
			return this.queue;
		}

		public void setQueue(String queue) {
			this.queue = queue;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getStaleAfter() {
			return this.staleAfter;
		}

		public void setStaleAfter(Duration staleAfter) {
			this.staleAfter = staleAfter;
		}

		public int getWorkerThreads() {
			return this.workerThreads;
		}

		public void setWorkerThreads(int workerThreads) {
			this.workerThreads = workerThreads;
		}

	}

	/**
	 * @return the engine settings these properties describe
	 */
	public BackfillSettings toSettings() {
		return toSettings(new Job());
	}

	/**
	 * @param job one backfill's overrides
	 * @return the engine settings of that backfill: its overrides, else the global values
	 */
	public BackfillSettings toSettings(Job job) {
		BatchSizing sizing = new BatchSizing(or(job.targetBatchDuration, this.targetBatchDuration),
				or(job.minBatchSize, this.minBatchSize), or(job.maxBatchSize, this.maxBatchSize));
		Duration statementTimeout = (job.statementTimeout != null) ? job.statementTimeout : this.statementTimeout;
		Duration statement = (statementTimeout != null) ? statementTimeout
				: BackfillSettings.statementTimeoutFor(sizing);
		return new BackfillSettings(or(job.batchSize, this.batchSize), or(job.lockTimeout, this.lockTimeout), statement,
				this.jdbc.tablePrefix,
				new dev.backfill.Retry(this.retry.maxAttempts, this.retry.backoff, this.retry.maxBackoff), sizing);
	}

	/**
	 * @param job one backfill's overrides
	 * @return the partitions a new run of that backfill is split into, or 0 to keep the
	 * declaration's
	 */
	public int parallelism(Job job) {
		return (job.parallelism != null) ? job.parallelism : 0;
	}

	/**
	 * @param job one backfill's overrides
	 * @return the built-in throttles of that backfill: its overrides, else the global
	 * values
	 */
	public List<BackfillThrottle> toThrottles(Job job) {
		Throttle merged = new Throttle();
		merged.setMaxRowsPerSecond(or(job.throttle.maxRowsPerSecond, this.throttle.maxRowsPerSecond));
		merged.setMaxImpact(or(job.throttle.maxImpact, this.throttle.maxImpact));
		merged.setMaxReplicationLag(or(job.throttle.maxReplicationLag, this.throttle.maxReplicationLag));
		merged.setMaxLockWaiters(or(job.throttle.maxLockWaiters, this.throttle.maxLockWaiters));
		merged.setPauseForAutovacuum(or(job.throttle.pauseForAutovacuum, this.throttle.pauseForAutovacuum));
		return merged.toThrottles();
	}

	private static <T> T or(@Nullable T override, T global) {
		return (override != null) ? override : global;
	}

	/**
	 * Settings of one backfill ({@code backfill.jobs.<name>.*}); each one left out keeps
	 * the global value.
	 */
	public static class Job {

		/**
		 * Keys of the first batch, or of every batch when the target batch duration is 0.
		 */
		private @Nullable Integer batchSize;

		/**
		 * How long a batch's statement should take; 0 keeps every batch at batch-size.
		 */
		private @Nullable Duration targetBatchDuration;

		/**
		 * Fewest keys per batch when batches adapt.
		 */
		private @Nullable Integer minBatchSize;

		/**
		 * Most keys per batch when batches adapt.
		 */
		private @Nullable Integer maxBatchSize;

		/**
		 * Longest wait for a row lock in a batch.
		 */
		private @Nullable Duration lockTimeout;

		/**
		 * Longest statement of a batch.
		 */
		private @Nullable Duration statementTimeout;

		/**
		 * Partitions a new run is split into, walked side by side (threads, or worker
		 * processes with --remote); overrides the declaration's .parallelism(n), and
		 * --parallelism overrides both. 1 walks in one thread.
		 */
		private @Nullable Integer parallelism;

		private final JobThrottle throttle = new JobThrottle();

		public @Nullable Integer getParallelism() {
			return this.parallelism;
		}

		public void setParallelism(@Nullable Integer parallelism) {
			this.parallelism = parallelism;
		}

		public @Nullable Integer getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(@Nullable Integer batchSize) {
			this.batchSize = batchSize;
		}

		public @Nullable Duration getTargetBatchDuration() {
			return this.targetBatchDuration;
		}

		public void setTargetBatchDuration(@Nullable Duration targetBatchDuration) {
			this.targetBatchDuration = targetBatchDuration;
		}

		public @Nullable Integer getMinBatchSize() {
			return this.minBatchSize;
		}

		public void setMinBatchSize(@Nullable Integer minBatchSize) {
			this.minBatchSize = minBatchSize;
		}

		public @Nullable Integer getMaxBatchSize() {
			return this.maxBatchSize;
		}

		public void setMaxBatchSize(@Nullable Integer maxBatchSize) {
			this.maxBatchSize = maxBatchSize;
		}

		public @Nullable Duration getLockTimeout() {
			return this.lockTimeout;
		}

		public void setLockTimeout(@Nullable Duration lockTimeout) {
			this.lockTimeout = lockTimeout;
		}

		public @Nullable Duration getStatementTimeout() {
			return this.statementTimeout;
		}

		public void setStatementTimeout(@Nullable Duration statementTimeout) {
			this.statementTimeout = statementTimeout;
		}

		public JobThrottle getThrottle() {
			return this.throttle;
		}

	}

	/**
	 * Built-in throttles of one backfill ({@code backfill.jobs.<name>.throttle.*}).
	 */
	public static class JobThrottle {

		/**
		 * Most rows per second; 0 for no cap.
		 */
		private @Nullable Double maxRowsPerSecond;

		/**
		 * Share of the application's write throughput the backfill may take, between 0
		 * and 1; 0 to go on whatever it takes.
		 */
		private @Nullable Double maxImpact;

		/**
		 * Hold while a standby replays more than this behind; 0 to ignore replication
		 * lag.
		 */
		private @Nullable Duration maxReplicationLag;

		/**
		 * Hold while more sessions than this wait for a lock on the table; -1 to ignore
		 * them.
		 */
		private @Nullable Integer maxLockWaiters;

		/**
		 * Hold while a vacuum runs on the table.
		 */
		private @Nullable Boolean pauseForAutovacuum;

		public @Nullable Double getMaxRowsPerSecond() {
			return this.maxRowsPerSecond;
		}

		public void setMaxRowsPerSecond(@Nullable Double maxRowsPerSecond) {
			this.maxRowsPerSecond = maxRowsPerSecond;
		}

		public @Nullable Double getMaxImpact() {
			return this.maxImpact;
		}

		public void setMaxImpact(@Nullable Double maxImpact) {
			this.maxImpact = maxImpact;
		}

		public @Nullable Duration getMaxReplicationLag() {
			return this.maxReplicationLag;
		}

		public void setMaxReplicationLag(@Nullable Duration maxReplicationLag) {
			this.maxReplicationLag = maxReplicationLag;
		}

		public @Nullable Integer getMaxLockWaiters() {
			return this.maxLockWaiters;
		}

		public void setMaxLockWaiters(@Nullable Integer maxLockWaiters) {
			this.maxLockWaiters = maxLockWaiters;
		}

		public @Nullable Boolean getPauseForAutovacuum() {
			return this.pauseForAutovacuum;
		}

		public void setPauseForAutovacuum(@Nullable Boolean pauseForAutovacuum) {
			this.pauseForAutovacuum = pauseForAutovacuum;
		}

	}

	/**
	 * The library's tables.
	 */
	public static class Jdbc {

		/**
		 * Prefix of the library's tables; the shipped DDL uses the default.
		 */
		private String tablePrefix = BackfillSettings.DEFAULT_TABLE_PREFIX;

		/**
		 * When to create the library's tables (BACKFILL_BATCH_LOG, BACKFILL_PAUSE and
		 * BACKFILL_DISCREPANCY under the default prefix), or add the columns an older
		 * batch log lacks. Nothing runs when they are in place, so a role that may only
		 * read starts; when they are missing and the role may not create them, the work
		 * that needs them says so.
		 */
		private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.ALWAYS;

		/**
		 * Location of the DDL to apply.
		 */
		private String schema = BackfillSchema.LOCATION;

		public String getTablePrefix() {
			return this.tablePrefix;
		}

		public void setTablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
		}

		public DatabaseInitializationMode getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public String getSchema() {
			return this.schema;
		}

		public void setSchema(String schema) {
			this.schema = schema;
		}

	}

	/**
	 * Built-in throttles, asked before every batch; any {@code BackfillThrottle} bean
	 * joins them.
	 */
	public static class Throttle {

		/**
		 * Rate cap in rows per second over a run's wall time; 0 for none.
		 */
		private double maxRowsPerSecond;

		/**
		 * Share of the application's write throughput the backfill may take, between 0
		 * and 1: after each batch the run rests as long as keeps the other sessions' loss
		 * of write transactions, measured while batches run and between them, under this
		 * share. 0 to go on whatever it takes.
		 */
		private double maxImpact = dev.backfill.throttle.MaxImpact.DEFAULT_SHARE;

		/**
		 * Hold while a standby replays more than this behind
		 * (pg_stat_replication.replay_lag); 0 to never check.
		 */
		private Duration maxReplicationLag = Duration.ofSeconds(10);

		/**
		 * Hold while more than this many sessions wait for a lock on the backfill's table
		 * or its rows; -1 to never check.
		 */
		private int maxLockWaiters = 5;

		/**
		 * Hold while a vacuum runs on the backfill's table.
		 */
		private boolean pauseForAutovacuum;

		public double getMaxRowsPerSecond() {
			return this.maxRowsPerSecond;
		}

		public void setMaxRowsPerSecond(double maxRowsPerSecond) {
			this.maxRowsPerSecond = maxRowsPerSecond;
		}

		public double getMaxImpact() {
			return this.maxImpact;
		}

		public void setMaxImpact(double maxImpact) {
			this.maxImpact = maxImpact;
		}

		public Duration getMaxReplicationLag() {
			return this.maxReplicationLag;
		}

		public void setMaxReplicationLag(Duration maxReplicationLag) {
			this.maxReplicationLag = maxReplicationLag;
		}

		public int getMaxLockWaiters() {
			return this.maxLockWaiters;
		}

		public void setMaxLockWaiters(int maxLockWaiters) {
			this.maxLockWaiters = maxLockWaiters;
		}

		public boolean isPauseForAutovacuum() {
			return this.pauseForAutovacuum;
		}

		public void setPauseForAutovacuum(boolean pauseForAutovacuum) {
			this.pauseForAutovacuum = pauseForAutovacuum;
		}

		/**
		 * @return the built-in throttles these properties turn on
		 */
		public java.util.List<dev.backfill.BackfillThrottle> toThrottles() {
			java.util.List<dev.backfill.BackfillThrottle> throttles = new java.util.ArrayList<>();
			if (this.maxRowsPerSecond > 0) {
				throttles.add(new dev.backfill.throttle.MaxRowsPerSecond(this.maxRowsPerSecond));
			}
			if (this.maxImpact != 0) {
				throttles.add(new dev.backfill.throttle.MaxImpact(this.maxImpact));
			}
			if (!this.maxReplicationLag.isZero() && !this.maxReplicationLag.isNegative()) {
				throttles.add(new dev.backfill.throttle.ReplicationLag(this.maxReplicationLag));
			}
			if (this.maxLockWaiters >= 0) {
				throttles.add(new dev.backfill.throttle.LockWaiters(this.maxLockWaiters));
			}
			if (this.pauseForAutovacuum) {
				throttles.add(new dev.backfill.throttle.Autovacuum());
			}
			return throttles;
		}

	}

	/**
	 * Retries of a batch that meets a lock timeout, a statement timeout, a deadlock or a
	 * serialization failure.
	 */
	public static class Retry {

		/**
		 * Attempts of one batch before the run fails (1: no retry). A batch that timed
		 * out is retried at half its size.
		 */
		private int maxAttempts = dev.backfill.Retry.DEFAULTS.maxAttempts();

		/**
		 * Wait before the first retry; it doubles with each further attempt, with jitter.
		 */
		private Duration backoff = dev.backfill.Retry.DEFAULTS.backoff();

		/**
		 * Longest wait between two attempts.
		 */
		private Duration maxBackoff = dev.backfill.Retry.DEFAULTS.maxBackoff();

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getBackoff() {
			return this.backoff;
		}

		public void setBackoff(Duration backoff) {
			this.backoff = backoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

	/**
	 * Bounds of a dry-run's sample ({@code backfill dry-run NAME}).
	 */
	public static class DryRun {

		/**
		 * Largest share of the table's keys a sample reads when --sample-batches is not
		 * given (it takes at least 3 batches and at most 20).
		 */
		private double maxSampleShare = DryRunOptions.DEFAULT_MAX_SAMPLE_SHARE;

		/**
		 * Time after which sampling stops, whatever the number of batches sampled.
		 */
		private Duration maxDuration = DryRunOptions.DEFAULT_MAX_DURATION;

		public double getMaxSampleShare() {
			return this.maxSampleShare;
		}

		public void setMaxSampleShare(double maxSampleShare) {
			this.maxSampleShare = maxSampleShare;
		}

		public Duration getMaxDuration() {
			return this.maxDuration;
		}

		public void setMaxDuration(Duration maxDuration) {
			this.maxDuration = maxDuration;
		}

		/**
		 * @return the dry-run options these properties describe, with the run's batch
		 * size
		 */
		public DryRunOptions toOptions() {
			return new DryRunOptions(0, 0, this.maxSampleShare, this.maxDuration);
		}

	}

	/**
	 * The command line ({@code java -jar app.jar backfill ...}).
	 */
	public static class Cli {

		/**
		 * Whether the application exits with the command's exit code once a backfill
		 * command has run.
		 */
		private boolean exit = true;

		/**
		 * How often a progress line is logged when the output is not a terminal.
		 */
		private Duration progressInterval = Duration.ofSeconds(10);

		public boolean isExit() {
			return this.exit;
		}

		public void setExit(boolean exit) {
			this.exit = exit;
		}

		public Duration getProgressInterval() {
			return this.progressInterval;
		}

		public void setProgressInterval(Duration progressInterval) {
			this.progressInterval = progressInterval;
		}

	}

	private final Web web = new Web();

	public Web getWeb() {
		return this.web;
	}

	/**
	 * The status page, and who may use it and act through the {@code backfills} Actuator
	 * endpoint.
	 */
	public static class Web {

		/**
		 * Whether to serve the status page (in a servlet web application with Spring
		 * MVC). Without Spring Security anyone who reaches the port can read it.
		 */
		private boolean enabled;

		/**
		 * Path of the status page.
		 */
		private String path = "/backfills";

		/**
		 * Role a user needs to act on backfills through the backfills Actuator endpoint
		 * (start, stop, pause, resume, dry-run, verify, rollback) or the status page's
		 * buttons (pause, resume, stop), checked by the endpoint and the page themselves
		 * over HTTP and JMX whatever filter chain ran; without Spring Security's ROLE_
		 * prefix. Reads are left to the filter chain: the library's asks for an
		 * authenticated user.
		 */
		private String role = "BACKFILL_OPERATOR";

		/**
		 * Whether the backfills endpoint takes actions (start, rollback, ...), and the
		 * status page shows its buttons and takes theirs, asked over HTTP by a request
		 * without an authenticated user, as when no Spring Security filter chain protects
		 * them; an authenticated user still needs the role. Reads are answered either
		 * way.
		 */
		private boolean allowUnsecuredActions;

		/**
		 * Whether the backfills endpoint takes actions asked over JMX without an
		 * authenticated user: Actuator passes JMX operations none, so set it only where
		 * the JMX connector itself admits only operators. Without it a JMX action needs a
		 * Spring Security Authentication with the role among the connector's Subject's
		 * principals.
		 */
		private boolean allowUnauthenticatedJmxActions;

		public boolean isAllowUnauthenticatedJmxActions() {
			return this.allowUnauthenticatedJmxActions;
		}

		public void setAllowUnauthenticatedJmxActions(boolean allowUnauthenticatedJmxActions) {
			this.allowUnauthenticatedJmxActions = allowUnauthenticatedJmxActions;
		}

		public boolean isAllowUnsecuredActions() {
			return this.allowUnsecuredActions;
		}

		public void setAllowUnsecuredActions(boolean allowUnsecuredActions) {
			this.allowUnsecuredActions = allowUnsecuredActions;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public String getRole() {
			return this.role;
		}

		public void setRole(String role) {
			this.role = role;
		}

	}

}

package dev.backfill.engine;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.KeyRange;
import dev.backfill.Progress;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.Checkpoint;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One call is one batch, in the transaction Spring Batch opens for it: wait for the
 * throttles, find the range's upper bound, apply the work, append the batch log row, and
 * move the checkpoint and the run's statistics in the step's execution context, which
 * Spring Batch saves before the same commit. State in memory only moves after the commit.
 */
final class BackfillTasklet implements Tasklet, StepExecutionListener {

	private static final Logger logger = LoggerFactory.getLogger(BackfillTasklet.class);

	/**
	 * One line per batch boundary, under a name that stays when the engine's classes
	 * move.
	 */
	private static final Logger batchLogger = LoggerFactory.getLogger("dev.backfill.batch");

	// a batch's first statement, one round trip: its timeouts, and the savepoint its
	// probe and work run in, which a batch that meets a lock or a timeout rolls back to
	// (kept to the commit: releasing it would cost a round trip and gain nothing)
	private static final String TIMEOUTS = """
			SELECT set_config('lock_timeout', :lock, true), set_config('statement_timeout', :statement, true)%s;
			SAVEPOINT backfill_batch""";

	// a partition's batch is named as its lock's session, so that the sessions of a hung
	// worker's partition can be told and ended together
	private static final String PARTITION_TIMEOUTS = """
			SELECT set_config('lock_timeout', :lock, true), set_config('statement_timeout', :statement, true),
			       set_config('application_name', :application, true)%s;
			SAVEPOINT backfill_batch""";

	private static final String ROLLBACK_TO_SAVEPOINT = "ROLLBACK TO SAVEPOINT backfill_batch";

	private static final long LOCK_RETRY_MILLIS = 250;

	private final RunPlan plan;

	private final Pass pass;

	private final String timeoutsSql;

	private final String partitionTimeoutsSql;

	private final Keyset keyset;

	/** How this step's walk finds its batches: the keyset, or spans of a dense key. */
	private KeyWalk walk;

	private final JdbcClient jdbc;

	private final JdbcBatchLog log;

	private final JobRepository jobRepository;

	private final PlatformTransactionManager transactionManager;

	/** Nested transactions for the failure's diagnosis, after the batch rolled back. */
	private final TransactionTemplate savepoint;

	/** For the batch's first statement, which is two. */
	private final NamedParameterJdbcTemplate statements;

	private final DataSource dataSource;

	/**
	 * What the run's partitions in this process share: the stop, the pace, the totals.
	 */
	private final RunInProcess run;

	/**
	 * Watches the run lock, or the partition's own lock, which this tasklet holds while
	 * its partition runs.
	 */
	private @Nullable LockWatch lockWatch;

	private @Nullable RunLock partitionLock;

	/** Whether the partition's lock was taken by the caller, who lets it go. */
	private boolean lockGiven;

	/** The partition this tasklet walks, from 1, or 0 for a run in one step. */
	private int partition;

	/** How the run's lines name the walk: the backfill, and its partition. */
	private String label;

	/**
	 * How a partition's batch session is named while it runs, in
	 * {@code pg_stat_activity}: as the partition lock's session.
	 */
	private String application;

	private final ThrottleGate gate;

	private final BatchRetry retry;

	private final AdaptiveSize size;

	private final Forecast forecast = new Forecast();

	/** The keys a bounded walk covers, from its job parameters. */
	private WalkBounds bounds = WalkBounds.ALL;

	private Checkpoint checkpoint = Checkpoint.START;

	private @Nullable Object lastKey;

	private long keysThisProcess;

	private long startNanos;

	private long lastCommitNanos;

	BackfillTasklet(RunPlan plan, JdbcClient jdbc, PlatformTransactionManager transactionManager, JdbcBatchLog log,
			JobRepository jobRepository, DataSource dataSource, RunInProcess run) {
		this.plan = plan;
		this.dataSource = dataSource;
		this.run = run;
		this.label = "'" + plan.pass().logName() + "'";
		this.application = "backfill " + plan.pass().logName();
		// a schema's walk sets its search path with the timeouts: the statements once
		this.timeoutsSql = TIMEOUTS.formatted(TenantSchemas.searchPath(plan.backfill()));
		this.partitionTimeoutsSql = PARTITION_TIMEOUTS.formatted(TenantSchemas.searchPath(plan.backfill()));
		this.pass = plan.pass();
		this.keyset = new Keyset(plan.shape());
		this.walk = this.keyset;
		this.jdbc = jdbc;
		this.log = log;
		this.jobRepository = jobRepository;
		this.statements = new NamedParameterJdbcTemplate(dataSource);
		this.savepoint = new TransactionTemplate(transactionManager);
		this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		RunLock runLock = plan.lock();
		this.lockWatch = (runLock != null)
				? new LockWatch(runLock, plan.backfill().name(), jobRepository, transactionManager) : null;
		this.transactionManager = transactionManager;
		this.gate = new ThrottleGate(plan, jdbc, transactionManager, jobRepository, run);
		this.retry = new BatchRetry(plan, log, transactionManager);
		this.size = new AdaptiveSize(this.pass.logName(), plan.batchSize(), plan.sizing());
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		ExecutionContext context = stepExecution.getExecutionContext();
		TableKey keyType = this.plan.shape().key();
		this.partition = PartitionPlan.numberOf(stepExecution);
		if (this.partition > 0) {
			this.bounds = PartitionPlan.bounds(context, keyType);
			this.label = "'" + this.pass.logName() + "' partition " + this.partition;
			takePartitionLock(stepExecution);
		}
		else if (this.pass.bounded()) {
			this.bounds = WalkBounds.from(stepExecution.getJobParameters(), keyType);
		}
		Checkpoint saved = Checkpoint.from(context);
		JobExecution jobExecution = stepExecution.getJobExecution();
		List<Long> executions = this.jobRepository.getJobExecutions(jobExecution.getJobInstance())
			.stream()
			.map(JobExecution::getId)
			.toList();
		Checkpoint logged = this.log.checkpoint(executions, this.partition);
		// the log row and the checkpoint commit together; a later save of an older
		// context cannot undo the log
		if (logged.batches() > saved.batches()) {
			logger.warn(
					"Backfill {}: checkpoint at batch {} is behind the batch log at batch {}; resuming after the log",
					this.label, saved.batches(), logged.batches());
			saved = logged;
		}
		this.checkpoint = saved;
		this.lastKey = (saved.lastKey() != null) ? keyType.parse(saved.lastKey()) : null;
		Object after = (this.lastKey != null) ? this.lastKey : this.bounds.from();
		long keys = this.pass.remaining().keysIn(this.jdbc, after, this.bounds.until());
		long pending = TenantSchemas.onSearchPath(this.transactionManager, this.jdbc, this.plan.backfill(),
				() -> this.pass.remaining().pendingIn(this.jdbc, after, this.bounds.until()));
		Optional<KeySpans> spans = KeySpans.of(this.jdbc, this.keyset, after, this.bounds.until(), keys);
		this.walk = spans.isPresent() ? spans.get() : this.keyset;
		if (spans.isPresent()) {
			// the walk counts the key values it spans
			keys = spans.get().ahead();
		}
		this.forecast.start(keys, pending);
		this.run.started(this.partition, saved.rowsDone(), pending);
		if (this.lastKey == null) {
			logger.info("Backfill {} starts on {}{}: about {} keys, {} pending, {} keys per batch{}", this.label,
					this.plan.shape().table(), (this.partition > 0) ? ", keys " + this.bounds : "", keys, pending,
					this.size.current(), spans.isPresent() ? " (spans of key values: the key is dense)" : "");
		}
		else {
			logger.info("Backfill {} resumes from checkpoint after key {} (batch {}, {} rows done): about {} keys left",
					this.label, saved.lastKey(), saved.batches(), saved.rowsDone(), keys);
		}
		this.startNanos = System.nanoTime();
		this.lastCommitNanos = this.startNanos;
	}

	// a partition runs only while its own lock is held: a worker that died let it go, and
	// a second delivery of the same partition finds it held
	private void takePartitionLock(StepExecution stepExecution) {
		String lockName = JobNames.partitionLock(this.pass.logName(), this.partition);
		this.application = RunLock.applicationName(lockName);
		RunLock lock = (this.partitionLock != null) ? this.partitionLock
				: takeLock(this.dataSource, lockName, this.plan.settings().statementTimeout())
					.orElseThrow(() -> new PartitionHeld(this.label));
		this.partitionLock = lock;
		this.lockWatch = new LockWatch(lock, lockName, this.jobRepository, this.transactionManager);
		// who walks it, for status: the partition's own lock tells whether it still does
		Owner.ofThisProcess(lock).writeTo(stepExecution.getExecutionContext());
		this.jobRepository.updateExecutionContext(stepExecution);
	}

	/**
	 * Takes a partition's lock: a worker whose partition was handed out again may still
	 * end its last batch, and lets go within a statement's time.
	 * @param dataSource the target database
	 * @param lockName the partition's lock
	 * @param statementTimeout how long a batch's statement may take
	 * @return the lock, or empty when it is still held after that
	 */
	static Optional<RunLock> takeLock(DataSource dataSource, String lockName, Duration statementTimeout) {
		long deadline = System.nanoTime() + statementTimeout.plusSeconds(5).toNanos();
		while (true) {
			Optional<RunLock> lock = RunLock.tryAcquire(dataSource, lockName);
			if (lock.isPresent() || System.nanoTime() > deadline) {
				return lock;
			}
			try {
				Thread.sleep(LOCK_RETRY_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Optional.empty();
			}
		}
	}

	/**
	 * Walks the partition holding a lock the caller took before the step started, so that
	 * a partition's execution is never seen running without it; the caller lets it go
	 * once the step's end is saved.
	 * @param lock the partition's lock, held
	 */
	void holding(RunLock lock) {
		this.partitionLock = lock;
		this.lockGiven = true;
	}

	@Override
	public @Nullable ExitStatus afterStep(StepExecution stepExecution) {
		this.run.ended(this.partition);
		if (this.partitionLock != null && !this.lockGiven) {
			this.partitionLock.close();
			this.partitionLock = null;
		}
		return null;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws InterruptedException {
		StepExecution step = chunkContext.getStepContext().getStepExecution();
		if (this.run.leaving()) {
			throw new WorkerLeft(this.label);
		}
		if (this.run.stop().get()) {
			// Spring Batch ends the step STOPPED after this empty chunk; the checkpoint
			// is the last batch's
			step.setTerminateOnly();
			return RepeatStatus.CONTINUABLE;
		}
		this.retry.awaitDelay();
		long throttled = this.gate.await(step);
		if (this.run.stop().get()) {
			step.setTerminateOnly();
			return RepeatStatus.CONTINUABLE;
		}
		if (this.lockWatch != null) {
			this.lockWatch.beforeBatch(step.getJobExecution());
		}
		Map<String, Object> timeouts = new HashMap<>();
		timeouts.put("lock", this.plan.settings().lockTimeout().toMillis() + "ms");
		timeouts.put("statement", this.plan.settings().statementTimeout().toMillis() + "ms");
		timeouts.put("application", this.application);
		// two statements: executed, not queried, so that both results are read
		Backfill backfill = this.plan.backfill();
		if (backfill.schema() != null) {
			timeouts.put("schema", TenantSchemas.schemaParameter(backfill));
		}
		this.statements.execute((this.partition > 0) ? this.partitionTimeoutsSql : this.timeoutsSql, timeouts,
				PreparedStatement::execute);
		// after the checkpoint; else from the bounded walk's lower bound, or from the
		// smallest key
		Object from = (this.lastKey != null) ? this.lastKey : this.bounds.from();
		boolean fromIncluded = this.lastKey == null && this.bounds.from() != null && this.bounds.fromIncluded();
		int size = this.retry.size(this.size.current());
		long batchNo = this.checkpoint.batches() + 1;
		Instant startedAt = Instant.now();
		long probeStart = System.nanoTime();
		// the probe and the work in the batch's savepoint: a batch that meets a lock or
		// a timeout is rolled back alone, and tried again; an exclusive lock on the
		// table (a migration's ALTER TABLE) holds the probe as well
		Attempt attempt = new Attempt();
		long rows = 0;
		try {
			attempt.probe = this.walk.next(this.jdbc, from, fromIncluded, size, this.bounds.until()).orElse(null);
			if (attempt.probe != null) {
				attempt.workStart = System.nanoTime();
				rows = this.pass.work().apply(this.jdbc, attempt.probe.range());
			}
		}
		catch (DataAccessException ex) {
			rollBackToSavepoint(ex);
			if (attempt.probe == null) {
				this.retry.probeFailed(ex, step, batchNo, from, size, startedAt, probeStart);
				return RepeatStatus.CONTINUABLE;
			}
			KeyRange range = attempt.probe.range();
			if (TransientFailure.of(ex) == null) {
				// fails the run, and Spring Batch rolls the chunk's transaction back
				throw this.pass.work().explain(this.jdbc, range, ex, this.savepoint);
			}
			this.retry.batchFailed(ex, step, batchNo, range, attempt.probe.keys(), size, startedAt, attempt.workStart);
			return RepeatStatus.CONTINUABLE;
		}
		Keyset.Batch probe = attempt.probe;
		if (probe == null) {
			finish(step.getExecutionContext());
			return RepeatStatus.FINISHED;
		}
		KeyRange range = probe.range();
		long keys = probe.keys();
		long workMillis = (System.nanoTime() - attempt.workStart) / 1_000_000;
		this.gate.batchRan();
		Checkpoint next = this.checkpoint.next(range.to().toString(), rows, keys);
		this.log.append(new BatchRecord(this.pass.logName(), step.getJobExecutionId(), step.getId(), next.batches(),
				range.from().toString(), range.fromIncluded(), range.to().toString(), keys, rows, startedAt, workMillis,
				this.retry.attempt(), this.partition));
		this.retry.succeeded();

		long now = System.nanoTime();
		// time spent throttled is not the backfill's speed; but the short rests of a rate
		// cap or of the impact budget, after batch upon batch, are its pace, which the
		// ETA counts on (a long hold is an incident)
		long rest = (throttled < TimeUnit.MILLISECONDS.toNanos(ThrottleGate.MAX_WAIT_MILLIS)) ? throttled : 0;
		Forecast.Ahead ahead = this.forecast.after(rows, keys, Math.max(1, now - this.lastCommitNanos - throttled),
				rest, probe.full(), this.size.current(), this.keysThisProcess);
		Progress progress = new Progress(this.pass.logName(), next.batches(), range, rows, workMillis, next.rowsDone(),
				ahead.rows(), this.forecast.rowsPerSecond(), ahead.etaSeconds(),
				Duration.ofNanos(now - this.startNanos), keys);

		// last, so that a failure above leaves the context as it was
		ExecutionContext context = step.getExecutionContext();
		next.writeTo(context);
		stats(ahead.rows(), progress.rowsPerSecond(), ahead.etaSeconds()).writeTo(context);
		contribution.incrementWriteCount(rows);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				committed(next, progress);
			}
		});
		return probe.full() ? RepeatStatus.CONTINUABLE : RepeatStatus.FINISHED;
	}

	private void committed(Checkpoint next, Progress progress) {
		this.size.committed(progress.batchKeys(), progress.batchMillis());
		this.checkpoint = next;
		this.lastKey = progress.range().to();
		this.keysThisProcess += progress.batchKeys();
		this.lastCommitNanos = System.nanoTime();
		// one line per batch boundary; structured logging
		// (logging.structured.format.console) renders the pairs
		LoggingEventBuilder line = batchLogger.atInfo().addKeyValue("backfill", this.pass.logName());
		if (this.partition > 0) {
			line = line.addKeyValue("partition", this.partition);
		}
		line.addKeyValue("batch", progress.batchNo())
			.addKeyValue("from", progress.range().from().toString())
			.addKeyValue("to", progress.range().to().toString())
			.addKeyValue("rows", progress.batchRows())
			.addKeyValue("keys", progress.batchKeys())
			.addKeyValue("ms", progress.batchMillis())
			.addKeyValue("rowsPerSecond", Math.round(progress.rowsPerSecond()))
			.log("Backfill {} batch {} {}: {} rows in {} ms", this.label, progress.batchNo(), progress.range(),
					progress.batchRows(), progress.batchMillis());
		this.run.committed(this.partition, progress);
	}

	private void finish(ExecutionContext context) {
		this.checkpoint.writeTo(context);
		stats(0, this.forecast.rowsPerSecond(), 0).writeTo(context);
		this.run.finished(this.partition);
	}

	// a connection lost meanwhile cannot roll back: the failure goes up as it is, and
	// the run resumes from its checkpoint
	private void rollBackToSavepoint(DataAccessException failure) {
		try {
			this.jdbc.sql(ROLLBACK_TO_SAVEPOINT).update();
		}
		catch (DataAccessException ex) {
			failure.addSuppressed(ex);
			throw failure;
		}
	}

	private RunStats stats(long rowsLeft, double rowsPerSecond, long etaSeconds) {
		return new RunStats(rowsLeft, rowsPerSecond, etaSeconds, this.size.current(), this.size.adaptive(),
				this.gate.throttledSeconds());
	}

	/**
	 * @return rows changed by the whole run, across restarts
	 */
	long rowsDone() {
		return this.checkpoint.rowsDone();
	}

	/**
	 * Thrown into a partition's step before its next batch when its worker process
	 * leaves: the run hands the partition to another worker.
	 */
	static final class WorkerLeft extends RuntimeException {

		private static final long serialVersionUID = 1L;

		WorkerLeft(String label) {
			super("Backfill " + label + ": its worker leaves; another worker takes it from its checkpoint");
		}

	}

	/** Thrown into a partition's step when another session holds its lock. */
	static final class PartitionHeld extends RuntimeException {

		private static final long serialVersionUID = 1L;

		PartitionHeld(String label) {
			super("Backfill " + label + " is held by another session: another worker runs it");
		}

	}

	/** What one try at a batch got to: its probe, and when its work started. */
	private static final class Attempt {

		private Keyset.@Nullable Batch probe;

		private long workStart;

	}

}

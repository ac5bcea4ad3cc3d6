package dev.backfill.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillSettings;
import dev.backfill.BackfillThrottle;
import dev.backfill.BatchSizing;
import dev.backfill.KeyRange;
import dev.backfill.Progress;
import dev.backfill.ProgressListener;
import dev.backfill.Retry;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.Checkpoint;
import dev.backfill.jdbc.FailedAttempt;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.JdbcPauses;
import dev.backfill.jdbc.KeyType;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One call is one batch, in the transaction Spring Batch opens for it: find the range's
 * upper bound, apply the work, append the batch log row, and move the checkpoint in the
 * step's execution context, which Spring Batch saves before the same commit. State in
 * memory only moves after the commit.
 */
final class BackfillTasklet implements Tasklet, StepExecutionListener {

	private static final long MAX_THROTTLE_WAIT_MILLIS = 10_000;

	/** How often a paused run looks whether it was resumed. */
	private static final Duration PAUSE_LOOK = Duration.ofSeconds(1);

	private static final Logger logger = LoggerFactory.getLogger(BackfillTasklet.class);

	/**
	 * One line per batch boundary, under a name that stays when the engine's classes
	 * move.
	 */
	private static final Logger batchLogger = LoggerFactory.getLogger("dev.backfill.batch");

	private static final String TIMEOUTS = """
			SELECT set_config('lock_timeout', :lock, true), set_config('statement_timeout', :statement, true)""";

	private final Backfill backfill;

	private final Pass pass;

	/** The keys a bounded walk covers, from its job parameters. */
	private WalkBounds bounds = WalkBounds.ALL;

	private final TableShape shape;

	private final BatchWork work;

	private final Keyset keyset;

	private final RemainingWork remaining;

	private final JdbcClient jdbc;

	private final JdbcBatchLog log;

	private final JobRepository jobRepository;

	private final BackfillSettings settings;

	private final ProgressListener listener;

	private final Throughput throughput = new Throughput();

	private Checkpoint checkpoint = Checkpoint.START;

	private @Nullable Object lastKey;

	private long keysAtStart;

	private double pendingShareAtStart;

	private long rowsThisProcess;

	private long keysThisProcess;

	private long batchesThisProcess;

	private long startNanos;

	private long lastCommitNanos;

	/** The attempt of the current batch, 1 until it meets a transient failure. */
	private int attempt = 1;

	/** Keys of the batch's next attempt, 0 for the run's batch size. */
	private int retrySize;

	private long retryAtNanos;

	private volatile boolean stopRequested;

	private final List<BackfillThrottle> throttles;

	/** How batches adapt, or {@code null} when their size is fixed. */
	private final @Nullable BatchSizing sizing;

	/** Keys of the next batch. */
	private int size;

	private double smoothedRate;

	private final JdbcPauses pauses;

	/**
	 * Runs the throttles' queries on a connection of their own, not in the batch's
	 * transaction.
	 */
	private final TransactionTemplate outside;

	private @Nullable String throttledBy;

	/** Which throttle held the run last: its simple class name, or {@code pause}. */
	private @Nullable String heldBy;

	private long throttledNanos;

	/** The application's writes while batches run and between them, for the throttles. */
	private final ForegroundMeter foreground = new ForegroundMeter();

	/**
	 * The throttle whose hold was logged last: a run held after every batch by the same
	 * one logs it once.
	 */
	private @Nullable String loggedHolder;

	private final TransactionTemplate savepoint;

	private final LockWatch lockWatch;

	BackfillTasklet(RunPlan plan, JdbcClient jdbc, PlatformTransactionManager transactionManager, JdbcBatchLog log,
			JobRepository jobRepository) {
		this.lockWatch = new LockWatch(plan.lock(), plan.backfill().name(), jobRepository, transactionManager);
		this.throttles = plan.throttles();
		this.pauses = new JdbcPauses(jdbc, plan.settings().tablePrefix());
		this.outside = new TransactionTemplate(transactionManager);
		this.outside.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
		this.savepoint = new TransactionTemplate(transactionManager);
		this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		this.backfill = plan.backfill();
		this.pass = plan.pass();
		this.shape = plan.shape();
		this.work = this.pass.work();
		this.keyset = new Keyset(this.shape);
		this.remaining = this.pass.remaining();
		this.jdbc = jdbc;
		this.log = log;
		this.jobRepository = jobRepository;
		this.size = plan.batchSize();
		this.sizing = plan.sizing();
		this.settings = plan.settings();
		this.listener = plan.listener();
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		Checkpoint saved = Checkpoint.from(stepExecution.getExecutionContext());
		JobExecution jobExecution = stepExecution.getJobExecution();
		List<Long> executions = this.jobRepository.getJobExecutions(jobExecution.getJobInstance())
			.stream()
			.map(JobExecution::getId)
			.toList();
		Checkpoint logged = this.log.checkpoint(executions);
		// the log row and the checkpoint commit together; a later save of an older
		// context cannot undo the log
		if (logged.batches() > saved.batches()) {
			logger.warn(
					"Backfill '{}': checkpoint at batch {} is behind the batch log at batch {}; resuming after the log",
					this.pass.logName(), saved.batches(), logged.batches());
			saved = logged;
		}
		this.checkpoint = saved;
		KeyType keyType = this.shape.keyType();
		if (this.pass.bounded()) {
			this.bounds = WalkBounds.from(stepExecution.getJobParameters(), keyType);
		}
		this.lastKey = (saved.lastKey() != null) ? keyType.parse(saved.lastKey()) : null;
		this.keysAtStart = this.remaining.keysAfter(this.jdbc, this.lastKey);
		long pending = this.remaining.pendingAfter(this.jdbc, this.lastKey);
		this.pendingShareAtStart = (this.keysAtStart == 0) ? 1.0 : Math.min(1.0, (double) pending / this.keysAtStart);
		if (this.lastKey == null) {
			logger.info("Backfill '{}' starts on {}: about {} keys, {} pending, {} keys per batch", this.pass.logName(),
					this.shape.table(), this.keysAtStart, pending, this.size);
		}
		else {
			logger.info(
					"Backfill '{}' resumes from checkpoint after key {} (batch {}, {} rows done): about {} keys left",
					this.pass.logName(), saved.lastKey(), saved.batches(), saved.rowsDone(), this.keysAtStart);
		}
		this.startNanos = System.nanoTime();
		this.lastCommitNanos = this.startNanos;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws InterruptedException {
		if (this.stopRequested) {
			// Spring Batch ends the step STOPPED after this empty chunk; the checkpoint
			// is the last batch's
			chunkContext.getStepContext().getStepExecution().setTerminateOnly();
			return RepeatStatus.CONTINUABLE;
		}
		if (this.retryAtNanos != 0) {
			// before the first statement, so no transaction is open in PostgreSQL while
			// we wait
			TimeUnit.NANOSECONDS.sleep(Math.max(0, this.retryAtNanos - System.nanoTime()));
			this.retryAtNanos = 0;
		}
		long throttled = awaitThrottles(chunkContext.getStepContext().getStepExecution());
		if (this.stopRequested) {
			chunkContext.getStepContext().getStepExecution().setTerminateOnly();
			return RepeatStatus.CONTINUABLE;
		}
		StepExecution step = chunkContext.getStepContext().getStepExecution();
		this.lockWatch.beforeBatch(step.getJobExecution());
		this.jdbc.sql(TIMEOUTS)
			.param("lock", this.settings.lockTimeout().toMillis() + "ms")
			.param("statement", this.settings.statementTimeout().toMillis() + "ms")
			.query()
			.listOfRows();
		// after the checkpoint; else from the bounded walk's lower bound, or from the
		// smallest key
		Object from = (this.lastKey != null) ? this.lastKey : this.bounds.from();
		boolean fromIncluded = this.lastKey == null && this.bounds.from() != null && this.bounds.fromIncluded();
		int size = (this.retrySize > 0) ? this.retrySize : this.size;
		Instant startedAt = Instant.now();
		long probeStart = System.nanoTime();
		Keyset.Batch probe;
		try {
			// in a savepoint too: an exclusive lock on the table (a migration's ALTER
			// TABLE) holds the probe as well
			probe = this.savepoint
				.execute((status) -> this.keyset.next(this.jdbc, from, fromIncluded, size, this.bounds.until())
					.orElse(null));
		}
		catch (DataAccessException ex) {
			return failedAttempt(ex, step, from, size, startedAt, probeStart);
		}
		if (probe == null) {
			finish(step.getExecutionContext());
			return RepeatStatus.FINISHED;
		}
		KeyRange range = probe.range();
		Object to = range.to();
		long keys = probe.keys();
		boolean full = probe.full();
		long workStart = System.nanoTime();
		long rows;
		try {
			// in a savepoint: a batch that meets a lock or a timeout is rolled back
			// alone, and tried again
			rows = Objects.requireNonNull(this.savepoint.execute((status) -> this.work.apply(this.jdbc, range)));
		}
		catch (DataAccessException ex) {
			if (TransientFailure.of(ex) == null) {
				// fails the run, and Spring Batch rolls the chunk's transaction back
				throw this.work.explain(this.jdbc, range, ex, this.savepoint);
			}
			return failedAttempt(ex, step, range, keys, size, startedAt, workStart);
		}
		long workMillis = (System.nanoTime() - workStart) / 1_000_000;
		this.foreground.batchRan();
		Checkpoint next = this.checkpoint.next(to.toString(), rows, keys);
		this.log.append(new BatchRecord(this.pass.logName(), step.getJobExecutionId(), step.getId(), next.batches(),
				range.from().toString(), range.fromIncluded(), to.toString(), keys, rows, startedAt, workMillis,
				this.attempt));
		this.attempt = 1;
		this.retrySize = 0;

		long now = System.nanoTime();
		// time spent throttled is not the backfill's speed; but the short rests of a rate
		// cap or of the impact
		// budget, after batch upon batch, are its pace, which the ETA counts on (a long
		// hold is an incident)
		long rest = (throttled < TimeUnit.MILLISECONDS.toNanos(MAX_THROTTLE_WAIT_MILLIS)) ? throttled : 0;
		this.throughput.add(rows, keys, Math.max(1, now - this.lastCommitNanos - throttled), rest);
		long keysLeft = full ? Math.max(this.size, this.keysAtStart - this.keysThisProcess - keys) : 0;
		// the recent batches say best how dense the pending rows are ahead, since
		// statistics go stale as rows
		// change; until they have met a pending row (a done prefix), the planner's share
		// at the start is better
		double recent = this.throughput.pendingShare();
		double share = (recent > 0) ? recent : this.pendingShareAtStart;
		long rowsLeft = Math.round(keysLeft * share);
		double keysPerSecond = this.throughput.pacedKeysPerSecond();
		long eta = (keysPerSecond > 0) ? Math.round(keysLeft / keysPerSecond) : 0;
		Progress progress = new Progress(this.pass.logName(), next.batches(), range, rows, workMillis, next.rowsDone(),
				rowsLeft, this.throughput.rowsPerSecond(), eta, Duration.ofNanos(now - this.startNanos), keys);

		// last, so that a failure above leaves the context as it was
		ExecutionContext context = step.getExecutionContext();
		next.writeTo(context);
		stats(rowsLeft, progress.rowsPerSecond(), eta).writeTo(context);
		contribution.incrementWriteCount(rows);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				committed(next, to, rows, keys, progress);
			}
		});
		return full ? RepeatStatus.CONTINUABLE : RepeatStatus.FINISHED;
	}

	// a probe or a batch met a lock, a timeout, a deadlock or a serialization failure:
	// logged, then tried again later;
	// any other failure fails the run
	private RepeatStatus failedAttempt(DataAccessException ex, StepExecution step, KeyRange range, long keys, int size,
			Instant startedAt, long startNanos) {
		return failedAttempt(ex, step, "batch " + range, range.from(), range.fromIncluded(), range.to(), keys, size,
				startedAt, startNanos);
	}

	// the probe for the range after a key (null: for the first range) failed
	private RepeatStatus failedAttempt(DataAccessException ex, StepExecution step, @Nullable Object from, int size,
			Instant startedAt, long startNanos) {
		String what = (from != null) ? "the probe for the batch after key " + from : "the probe for the first batch";
		return failedAttempt(ex, step, what, from, from == null, from, 0, size, startedAt, startNanos);
	}

	private RepeatStatus failedAttempt(DataAccessException ex, StepExecution step, String what, @Nullable Object from,
			boolean fromIncluded, @Nullable Object to, long keys, int size, Instant startedAt, long startNanos) {
		TransientFailure failure = TransientFailure.of(ex);
		if (failure == null) {
			throw ex;
		}
		FailedAttempt attempt = new FailedAttempt(this.pass.logName(), step.getJobExecutionId(), step.getId(),
				this.checkpoint.batches() + 1, this.attempt, (from != null) ? from.toString() : null, fromIncluded,
				(to != null) ? to.toString() : null, keys, this.attempt < this.settings.retry().maxAttempts(),
				failure.sqlState(), failure.message(), startedAt, (System.nanoTime() - startNanos) / 1_000_000);
		// on its own connection: the batch's transaction may yet roll back, and the log
		// must keep the attempt
		this.outside.executeWithoutResult((status) -> this.log.append(attempt));
		this.listener.onRetry(this.pass.logName(), failure.sqlState(), attempt.retried());
		return retryLater(what, from, size, failure);
	}

	// asks the chain before the batch, from connections outside its transaction, and
	// waits while one holds
	private long awaitThrottles(StepExecution step) throws InterruptedException {
		long start = System.nanoTime();
		int holds = 0;
		String heldBy = null;
		while (!this.stopRequested) {
			BackfillThrottle.Decision decision = Objects.requireNonNull(this.outside.execute((status) -> decide()));
			if (!decision.holds()) {
				break;
			}
			if (!decision.reason().equals(this.throttledBy)) {
				if (!Objects.equals(this.heldBy, this.loggedHolder)) {
					logger.info("Backfill '{}' holds: {}", this.pass.logName(), decision.reason());
				}
				else {
					logger.debug("Backfill '{}' holds: {}", this.pass.logName(), decision.reason());
				}
				this.loggedHolder = this.heldBy;
				this.throttledBy = decision.reason();
			}
			heldBy = this.heldBy;
			long backoff = Math.min(MAX_THROTTLE_WAIT_MILLIS, 250L << Math.min(5, holds++));
			long wait = (decision.pause() != null) ? Math.min(MAX_THROTTLE_WAIT_MILLIS, decision.pause().toMillis())
					: backoff;
			TimeUnit.MILLISECONDS.sleep(wait);
			// a stop asked from another process shows in the job repository, which a held
			// run does not write to
			JobExecution execution = this.outside
				.execute((status) -> this.jobRepository.getJobExecution(step.getJobExecutionId()));
			if (execution != null && (execution.getStatus() == BatchStatus.STOPPING
					|| execution.getStatus() == BatchStatus.STOPPED)) {
				this.stopRequested = true;
			}
		}
		long throttled = System.nanoTime() - start;
		if (this.throttledBy != null) {
			// a short rest after every batch (a rate cap, the impact budget) would flood
			// the log
			if (throttled >= 1_000_000_000L) {
				logger.info("Backfill '{}' goes on after {} ms held ({})", this.pass.logName(), throttled / 1_000_000,
						this.throttledBy);
			}
			else {
				logger.debug("Backfill '{}' goes on after {} ms held ({})", this.pass.logName(), throttled / 1_000_000,
						this.throttledBy);
			}
			this.throttledBy = null;
		}
		// the checks themselves are part of the batch; only the holds are throttled time
		if (holds == 0) {
			return 0;
		}
		this.throttledNanos += throttled;
		this.listener.onThrottled(this.pass.logName(), (heldBy != null) ? heldBy : "unknown",
				Duration.ofNanos(throttled));
		return throttled;
	}

	private BackfillThrottle.Decision decide() {
		Optional<JdbcPauses.Pause> pause = this.pauses.find(this.backfill.name());
		if (pause.isPresent()) {
			this.heldBy = "pause";
			return BackfillThrottle.Decision
				.hold(String.format("paused by %s since %s; 'backfill resume %s' lets it " + "go on", pause.get().by(),
						pause.get().since(), this.backfill.name()), PAUSE_LOOK);
		}
		Long xmax = this.jdbc.sql(ForegroundMeter.XMAX).query(Long.class).single();
		long now = System.nanoTime();
		this.foreground.read(xmax, now);
		BackfillThrottle.Context context = new BackfillThrottle.Context(this.backfill.name(), this.shape.table().sql(),
				this.jdbc, this.rowsThisProcess, (now - this.startNanos) / 1e9, this.foreground.foreground(now));
		for (BackfillThrottle throttle : this.throttles) {
			BackfillThrottle.Decision decision = throttle.check(context);
			if (decision.holds()) {
				this.heldBy = throttle.getClass().getSimpleName();
				return decision;
			}
		}
		return BackfillThrottle.Decision.proceed();
	}

	// nothing of the batch is applied; the chunk commits the unchanged checkpoint, and
	// the next call waits first
	private RepeatStatus retryLater(String what, @Nullable Object from, int size, TransientFailure failure) {
		Retry retry = this.settings.retry();
		if (this.attempt >= retry.maxAttempts()) {
			int attempts = this.attempt;
			this.attempt = 1;
			this.retrySize = 0;
			throw new BackfillException(String.format("Backfill '%s': %s failed %d times, the last with %s. "
					+ "Nothing of it was committed; each attempt is in %s (OUTCOME RETRIED or FAILED). Find what "
					+ "holds its rows or its table (pg_locks, pg_stat_activity) or raise backfill.lock-timeout / "
					+ "backfill.statement-timeout; 'backfill %s %s' resumes %s.", this.pass.logName(), what, attempts,
					failure, this.log.tableName(), this.pass.command(), this.backfill.name(),
					(from != null) ? "after key " + from : "from the first key"));
		}
		this.attempt++;
		this.retrySize = failure.isTimeout() ? Math.max(1, size / 2) : size;
		Duration delay = retry.delayBefore(this.attempt);
		this.retryAtNanos = System.nanoTime() + delay.toNanos();
		logger.warn("Backfill '{}': {} met {}; attempt {} of {} in {} ms, at {} keys", this.pass.logName(), what,
				failure, this.attempt, retry.maxAttempts(), delay.toMillis(), this.retrySize);
		return RepeatStatus.CONTINUABLE;
	}

	private void committed(Checkpoint next, Object to, long rows, long keys, Progress progress) {
		// only full batches at the current size say how fast that size goes
		if (this.sizing != null && keys == this.size) {
			// the statement's time is how long the batch held its row locks
			double rate = keys / (double) Math.max(1, progress.batchMillis());
			this.smoothedRate = (this.smoothedRate == 0) ? rate : 0.7 * this.smoothedRate + 0.3 * rate;
			int nextSize = this.sizing.next(this.size, rate, this.smoothedRate,
					progress.batchMillis() > this.sizing.target().toMillis());
			if (nextSize != this.size) {
				logger.debug("Backfill '{}': batch of {} keys took {} ms; next batches of {} keys", this.pass.logName(),
						keys, progress.batchMillis(), nextSize);
			}
			this.size = nextSize;
		}
		this.checkpoint = next;
		this.lastKey = to;
		this.rowsThisProcess += rows;
		this.keysThisProcess += keys;
		this.batchesThisProcess++;
		this.lastCommitNanos = System.nanoTime();
		// one line per batch boundary; structured logging
		// (logging.structured.format.console) renders the pairs
		batchLogger.atInfo()
			.addKeyValue("backfill", this.pass.logName())
			.addKeyValue("batch", progress.batchNo())
			.addKeyValue("from", progress.range().from().toString())
			.addKeyValue("to", to.toString())
			.addKeyValue("rows", rows)
			.addKeyValue("keys", keys)
			.addKeyValue("ms", progress.batchMillis())
			.addKeyValue("rowsPerSecond", Math.round(progress.rowsPerSecond()))
			.log("Backfill '{}' batch {} {}: {} rows in {} ms", this.pass.logName(), progress.batchNo(),
					progress.range(), rows, progress.batchMillis());
		this.listener.onBatch(progress);
	}

	private void finish(ExecutionContext context) {
		this.checkpoint.writeTo(context);
		stats(0, this.throughput.rowsPerSecond(), 0).writeTo(context);
		this.listener.onFinished(this.pass.logName());
	}

	private RunStats stats(long rowsLeft, double rowsPerSecond, long etaSeconds) {
		return new RunStats(rowsLeft, rowsPerSecond, etaSeconds, this.size, this.sizing != null,
				this.throttledNanos / 1e9);
	}

	long rowsThisProcess() {
		return this.rowsThisProcess;
	}

	/** Asks the run to stop before its next batch; the batch in flight commits first. */
	void requestStop() {
		this.stopRequested = true;
	}

	long batchesThisProcess() {
		return this.batchesThisProcess;
	}

	long rowsDone() {
		return this.checkpoint.rowsDone();
	}

}

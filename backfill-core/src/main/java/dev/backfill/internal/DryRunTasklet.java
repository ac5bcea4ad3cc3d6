package dev.backfill.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.backfill.Backfill;
import dev.backfill.BackfillSettings;
import dev.backfill.DryRunOptions;
import dev.backfill.Estimate;
import dev.backfill.KeyRange;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A dry-run: each call applies one sampled batch as a run would, in the transaction Spring Batch opens for it, but
 * inside a savepoint that is rolled back, so the step commits only its own bookkeeping. A sample's cost is measured
 * from the start of its call to the start of the next, so it includes what a run's batch pays besides the work:
 * finding the range, Spring Batch's step update, the commit. Calls: warm-up batches (not used) until the JVM is warm,
 * the samples, then the idempotency check, which applies one sampled batch twice in one rolled-back savepoint.
 */
final class DryRunTasklet implements Tasklet, StepExecutionListener {

	/** Above this, a batch holds row locks longer than production tolerates. */
	static final long LOCK_LIMIT_MILLIS = 1000;

	/** What a suggested batch size aims at. */
	static final long TARGET_BATCH_MILLIS = 500;

	private static final int MIN_WARM_UPS = 2;

	private static final int MAX_WARM_UPS = 10;

	private static final String TIMEOUTS = """
			SELECT set_config('lock_timeout', :lock, true), set_config('statement_timeout', :statement, true)""";

	private static final String WAL_POSITION = "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint";

	private final Backfill backfill;

	private final TableShape shape;

	private final BatchWork work;

	private final Keyset keyset;

	private final JdbcClient jdbc;

	private final TransactionTemplate savepoint;

	private final BackfillSettings settings;

	private final DryRunOptions options;

	private final SamplePlan plan;

	private final List<Estimate.Sample> samples = new ArrayList<>();

	private final String checksum;

	private final List<Double> warmUpCosts = new ArrayList<>();

	private boolean warmingUp = true;

	private long rolledBackRows;

	private long rolledBackWal;

	private long stepStartNanos;

	private long callStartNanos;

	private @Nullable Measured previous;

	private @Nullable Estimate estimate;

	DryRunTasklet(Backfill backfill, TableShape shape, JdbcClient jdbc, PlatformTransactionManager transactionManager,
			BackfillSettings settings, DryRunOptions options, SamplePlan plan) {
		this.backfill = backfill;
		this.shape = shape;
		this.work = BatchWork.of(backfill, shape);
		this.keyset = new Keyset(shape);
		this.jdbc = jdbc;
		this.savepoint = new TransactionTemplate(transactionManager);
		this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		this.settings = settings;
		this.options = options;
		this.plan = plan;
		String key = shape.keySql();
		// the whole row: the written columns, and whatever a trigger sets with them
		this.checksum = "SELECT md5(string_agg(md5(CAST(r AS text)), '' ORDER BY " + key + ")) FROM "
				+ shape.table().sql() + " r WHERE " + key + " > :from AND " + key + " <= :to";
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		this.stepStartNanos = System.nanoTime();
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		long now = System.nanoTime();
		Measured done = this.previous;
		this.previous = null;
		if (done != null) {
			this.rolledBackRows += done.rows;
			this.rolledBackWal += done.walBytes;
			if (this.warmingUp) {
				this.warmUpCosts.add((now - done.startNanos) / 1e6);
				this.warmingUp = stillWarmingUp(now);
			}
			else {
				this.samples.add(done.sample(now - done.startNanos));
			}
		}
		this.callStartNanos = now;
		this.jdbc.sql(TIMEOUTS).param("lock", this.settings.lockTimeout().toMillis() + "ms")
			.param("statement", this.settings.statementTimeout().toMillis() + "ms").query().listOfRows();
		if (this.warmingUp) {
			this.previous = apply(this.plan.warmUp());
			return RepeatStatus.CONTINUABLE;
		}
		boolean inTime = now - this.stepStartNanos < this.options.maxDuration().toNanos() || this.samples.isEmpty();
		if (this.samples.size() < this.plan.starts().size() && inTime) {
			this.previous = apply(this.plan.starts().get(this.samples.size()));
			return RepeatStatus.CONTINUABLE;
		}
		Idempotency idempotency = checkIdempotency();
		this.estimate = estimate(idempotency, chunkContext.getStepContext().getStepExecution());
		StoredEstimate.write(this.estimate, chunkContext.getStepContext().getStepExecution().getExecutionContext());
		return RepeatStatus.FINISHED;
	}

	// a cold JVM runs the first batches several times slower than a warm one: repeat the warm-up batch until its
	// cost stops falling, within bounds
	private boolean stillWarmingUp(long now) {
		int n = this.warmUpCosts.size();
		if (n >= MAX_WARM_UPS || now - this.stepStartNanos > this.options.maxDuration().toNanos() / 4) {
			return false;
		}
		if (n < MIN_WARM_UPS) {
			return true;
		}
		double best = this.warmUpCosts.subList(0, n - 1).stream().mapToDouble(Double::doubleValue).min().orElse(0);
		return this.warmUpCosts.get(n - 1) < 0.9 * best;
	}

	private Measured apply(Object start) {
		Object from = start;
		Optional<Object> nth = this.keyset.nth(this.jdbc, from, this.plan.batchSize());
		Optional<Object> last = nth.isPresent() ? nth : this.keyset.last(this.jdbc, from);
		if (last.isEmpty()) {
			// the sampled key is now the last one (rows deleted since): sample the first batch instead
			from = this.plan.starts().get(0);
			nth = this.keyset.nth(this.jdbc, from, this.plan.batchSize());
			last = nth.isPresent() ? nth : this.keyset.last(this.jdbc, from);
		}
		Object to = last.orElseThrow(() -> new IllegalStateException(
				"Table " + this.shape.table() + " was emptied during the dry-run of '" + this.backfill.name() + "'"));
		long keys = nth.isPresent() ? this.plan.batchSize() : this.keyset.count(this.jdbc, from, to);
		KeyRange range = new KeyRange(from, to);
		Measured measured = new Measured(range, keys, this.callStartNanos);
		this.savepoint.executeWithoutResult((status) -> {
			long walBefore = walPosition();
			measured.writeStartNanos = System.nanoTime();
			measured.rows = this.work.apply(this.jdbc, range);
			measured.walBytes = walPosition() - walBefore;
			status.setRollbackOnly();
		});
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCompletion(int status) {
				measured.endNanos = System.nanoTime();
			}
		});
		return measured;
	}

	private long walPosition() {
		return this.jdbc.sql(WAL_POSITION).query(Long.class).single();
	}

	// apply a batch that had pending rows twice; the second time must leave the rows as the first left them
	private Idempotency checkIdempotency() {
		Optional<Estimate.Sample> tried = this.samples.stream().filter((s) -> s.rows() > 0).findFirst();
		if (tried.isEmpty()) {
			return new Idempotency(null, null, 0);
		}
		KeyRange range = tried.get().range();
		return Objects.requireNonNull(this.savepoint.execute((status) -> {
			long walBefore = walPosition();
			this.rolledBackRows += this.work.apply(this.jdbc, range);
			String once = checksum(range);
			long again = this.work.apply(this.jdbc, range);
			this.rolledBackRows += again;
			this.rolledBackWal += walPosition() - walBefore;
			String twice = checksum(range);
			status.setRollbackOnly();
			return new Idempotency(Objects.equals(once, twice), range, again);
		}));
	}

	private @Nullable String checksum(KeyRange range) {
		return this.jdbc.sql(this.checksum).param("from", range.from()).param("to", range.to()).query(String.class)
			.single();
	}

	private Estimate estimate(Idempotency idempotency, StepExecution step) {
		long batches = this.plan.batches();
		double[] millis = this.samples.stream().mapToDouble(Estimate.Sample::millis).sorted().toArray();
		double mean = Arrays.stream(millis).average().orElse(0);
		double seconds = batches * mean / 1000;
		double low = batches * percentile(millis, 0.10) / 1000;
		double high = batches * percentile(millis, 0.90) / 1000;
		long maxMillis = (long) Math.ceil(
				this.samples.stream().mapToDouble(Estimate.Sample::transactionMillis).max().orElse(0));
		long walPerBatch = Math.round(this.samples.stream().mapToLong(Estimate.Sample::walBytes).average().orElse(0));
		double rowsPerBatch = this.samples.stream().mapToLong(Estimate.Sample::rows).average().orElse(0);
		long sampledKeys = this.samples.stream().mapToLong(Estimate.Sample::keys).sum();
		long sampledRows = this.samples.stream().mapToLong(Estimate.Sample::rows).sum();
		int suggested = 0;
		List<String> warnings = new ArrayList<>();
		if (maxMillis > LOCK_LIMIT_MILLIS) {
			suggested = (int) Math.max(1, this.plan.batchSize() * TARGET_BATCH_MILLIS / maxMillis);
			warnings.add(String.format("A sampled batch held its transaction, and its row locks, for %,d ms (over "
					+ "1 s). Use --batch-size=%d to keep batches near %d ms.", maxMillis, suggested,
					TARGET_BATCH_MILLIS));
		}
		if (this.samples.size() < this.plan.starts().size()) {
			warnings.add(String.format("Sampling stopped after %d of %d batches at the %s bound "
					+ "(backfill.dry-run.max-duration): the range is wider than it would be.", this.samples.size(),
					this.plan.starts().size(), this.options.maxDuration()));
		}
		double plannerShare = (double) this.plan.pending() / this.plan.keys();
		double sampledShare = (sampledKeys > 0) ? (double) sampledRows / sampledKeys : 0;
		if (sampledKeys >= 1000 && Math.abs(plannerShare - sampledShare) > 0.1
				&& (sampledShare > 2 * plannerShare || plannerShare > 2 * sampledShare)) {
			warnings.add(String.format("The planner expects %.0f%% of rows to be pending, the sample found %.0f%%: "
					+ "statistics look stale. Run ANALYZE %s and dry-run again.", 100 * plannerShare,
					100 * sampledShare, this.shape.table()));
		}
		if (idempotency.idempotent() == null) {
			warnings.add("No sampled batch had a pending row, so idempotency was not checked.");
		}
		else if (!idempotency.idempotent()) {
			warnings.add("NOT IDEMPOTENT: applying the batch " + idempotency.range() + " a second time changed its "
					+ "rows again. A batch retried or resumed after a crash would change them twice: make the "
					+ "statement write only rows that match the pending predicate, with values that do not depend on "
					+ "the ones it wrote.");
		}
		else if (idempotency.rewritten() > 0) {
			warnings.add(String.format("Applying the batch %s a second time wrote %,d rows again, with the same "
					+ "values: add the pending predicate to the statement's WHERE so a resumed batch writes nothing.",
					idempotency.range(), idempotency.rewritten()));
		}
		String by = String.format("planner: ~%,d rows in pg_class.reltuples, %.1f%% of them matching the pending "
				+ "predicate; the sample found %.1f%% pending in %,d keys", this.plan.keys(), 100 * plannerShare,
				100 * sampledShare, sampledKeys);
		double elapsed = (System.nanoTime() - this.stepStartNanos) / 1e9;
		return new Estimate(this.backfill.name(), step.getJobExecutionId(), Instant.now(), this.plan.batchSize(),
				this.plan.keys(), this.plan.pending(), by, batches, seconds, low, high,
				(seconds > 0) ? this.plan.pending() / seconds : 0, maxMillis, suggested, walPerBatch,
				walPerBatch * batches, rowsPerBatch, idempotency.idempotent(), idempotency.range(),
				idempotency.rewritten(), this.samples, this.samples.size(), this.rolledBackRows, this.rolledBackWal,
				warnings, elapsed);
	}

	// linear interpolation between the closest ranks
	private static double percentile(double[] sorted, double p) {
		if (sorted.length == 0) {
			return 0;
		}
		double rank = p * (sorted.length - 1);
		int low = (int) Math.floor(rank);
		int high = (int) Math.ceil(rank);
		return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
	}

	@Nullable Estimate estimate() {
		return this.estimate;
	}

	/** A sampled batch while it is measured; its whole cost is known when the next call starts. */
	private static final class Measured {

		final KeyRange range;

		final long keys;

		final long startNanos;

		long writeStartNanos;

		long endNanos;

		long rows;

		long walBytes;

		Measured(KeyRange range, long keys, long startNanos) {
			this.range = range;
			this.keys = keys;
			this.startNanos = startNanos;
		}

		Estimate.Sample sample(long costNanos) {
			long end = (this.endNanos > 0) ? this.endNanos : System.nanoTime();
			return new Estimate.Sample(this.range, this.keys, this.rows, costNanos / 1e6,
					(end - this.writeStartNanos) / 1e6, this.walBytes);
		}

	}

	private record Idempotency(@Nullable Boolean idempotent, @Nullable KeyRange range, long rewritten) {
	}

}

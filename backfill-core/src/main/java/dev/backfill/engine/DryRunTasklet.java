package dev.backfill.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.backfill.Backfill;
import dev.backfill.BackfillSettings;
import dev.backfill.BatchSizing;
import dev.backfill.DryRunOptions;
import dev.backfill.Estimate;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A dry-run: each call applies one sampled batch as a run would, in the transaction
 * Spring Batch opens for it, but inside a savepoint that is rolled back, so the step
 * commits only its own bookkeeping. Calls, in order:
 * <ol>
 * <li>calibration: a tenth of the run's batches (100 to 500) without work, through the
 * same Spring Batch step, timed from call to call: what a run pays per batch besides
 * finding the range, applying it and committing it, measured once the JVM has warmed up,
 * as it is through most of a long run;</li>
 * <li>warm-up: the client side of the warm-up batch (read and process, no write) until
 * 300,000 rows went through it, then the warm-up batch applied until its time stops
 * falling, so that per-row code is compiled (JIT) before samples are timed;</li>
 * <li>the samples ({@link BatchSampler}): a sample's cost is its timed probe and work,
 * plus what a batch pays between its work and the next one's probe, measured between the
 * sampled batches (the commit among it, which flushes the WAL the work wrote, though
 * rolled back); with fewer than three samples, its commit plus the calibrated per-batch
 * cost. At the size an adaptive run settles at, the work and the commit scale with the
 * batch;</li>
 * <li>the idempotency check ({@link IdempotencyCheck}), which applies one sampled batch
 * twice in one rolled-back savepoint;</li>
 * <li>the estimate, extrapolated from the samples ({@link Extrapolation}).</li>
 * </ol>
 */
final class DryRunTasklet implements Tasklet, StepExecutionListener {

	/**
	 * Fewest and most batches without work that calibrate the per-batch cost, a twentieth
	 * of the run's batches: the JVM's warm-up of a batch's path, and the per-batch cost
	 * when too few samples were measured between.
	 */
	private static final int MIN_CALIBRATION = 20;

	private static final int MAX_CALIBRATION = 50;

	/**
	 * Rows the warm-up processes without writing, so that per-row code is compiled before
	 * samples are timed.
	 */
	private static final long WARM_UP_ROWS = 300_000;

	private static final String CALIBRATION_KEY = "backfill.dryRun.calibration";

	private static final Logger logger = LoggerFactory.getLogger(DryRunTasklet.class);

	private static final int MIN_WARM_UPS = 3;

	private static final int MAX_WARM_UPS = 10;

	/** Fewest measures between samples that stand for a run's batches. */
	private static final int MIN_BETWEEN = 3;

	/**
	 * The timeouts of a sampled batch, the run's; the batches side by side set them too.
	 */
	static final String TIMEOUTS = """
			SELECT set_config('lock_timeout', :lock, true), set_config('statement_timeout', :statement, true)""";

	private final Backfill backfill;

	private final TableShape shape;

	private final JdbcClient jdbc;

	private final BatchSampler sampler;

	private final BackfillSettings settings;

	private final DryRunOptions options;

	private final SamplePlan plan;

	/** The sampled batches as measured, in the order sampled. */
	private final List<BatchSampler.Measured> measured = new ArrayList<>();

	/**
	 * From each sample's work to the next one's probe: what a run's batch pays besides
	 * its probe and work (its log row, its checkpoint, its commit, the next batch's
	 * timeouts), met right after a real batch's work as a run meets it.
	 */
	private final List<Double> betweenSamples = new ArrayList<>();

	/** Whether a sample failed since the last one measured: no gap spans it. */
	private boolean chainBroken;

	/** How the run's batches adapt, or {@code null} when their size is fixed. */
	private final @Nullable BatchSizing sizing;

	private final IdempotencyCheck idempotency;

	private final SideBySide sideBySide;

	private final List<Double> calibrationCosts = new ArrayList<>();

	private final List<Double> calibrationCompletions = new ArrayList<>();

	private final List<Double> warmUpCosts = new ArrayList<>();

	private Phase phase = Phase.CALIBRATE;

	private int attempted;

	private boolean warmUpFailed;

	private final List<String> timedOut = new ArrayList<>();

	private BatchSampler.Read warmUpRead = BatchSampler.Read.NONE;

	private long rolledBackRows;

	private long rolledBackWal;

	private long stepStartNanos;

	private long callStartNanos;

	private BatchSampler.@Nullable Measured previous;

	private @Nullable Estimate estimate;

	DryRunTasklet(Backfill backfill, TableShape shape, JdbcClient jdbc, PlatformTransactionManager transactionManager,
			BackfillSettings settings, @Nullable BatchSizing sizing, DryRunOptions options, SamplePlan plan) {
		this.sizing = sizing;
		this.backfill = backfill;
		this.shape = shape;
		this.jdbc = jdbc;
		this.settings = settings;
		this.options = options;
		this.plan = plan;
		// samples and the idempotency check write in savepoints, rolled back
		TransactionTemplate savepoint = new TransactionTemplate(transactionManager);
		savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		BatchWork work = BatchWork.of(backfill, shape);
		this.sampler = BatchSampler.of(backfill.name(), shape, work, jdbc, savepoint, plan);
		this.idempotency = IdempotencyCheck.of(shape, work, jdbc, savepoint);
		this.sideBySide = new SideBySide(backfill, work, jdbc, transactionManager, settings);
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		this.stepStartNanos = System.nanoTime();
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		long now = System.nanoTime();
		StepExecution step = chunkContext.getStepContext().getStepExecution();
		// the first call has nothing before it to time
		if (this.phase == Phase.CALIBRATE && this.callStartNanos != 0) {
			this.calibrationCosts.add((now - this.callStartNanos) / 1e6);
		}
		BatchSampler.Measured done = this.previous;
		this.previous = null;
		if (done != null) {
			this.rolledBackRows += done.rows;
			this.rolledBackWal += done.walBytes;
			if (this.phase == Phase.WARM_UP) {
				this.warmUpCosts.add(done.workMillis());
			}
			else {
				logger.debug("Dry-run of '{}': sample {} probe {} ms, work {} ms, commit {} ms", this.backfill.name(),
						done.range, done.probeNanos / 1_000_000.0, done.workNanos / 1_000_000.0,
						done.completionNanos / 1_000_000.0);
			}
		}
		this.phase = next(now);
		this.callStartNanos = now;
		TenantSchemas.bindSearchPath(this.jdbc.sql(TIMEOUTS + TenantSchemas.searchPath(this.backfill)), this.backfill)
			.param("lock", this.settings.lockTimeout().toMillis() + "ms")
			.param("statement", this.settings.statementTimeout().toMillis() + "ms")
			.query()
			.listOfRows();
		switch (this.phase) {
			case CALIBRATE -> {
				// a batch without its work: what a run pays per batch besides finding the
				// range and applying it
				@Nullable Object to = this.sampler.probe(this.plan.warmUp());
				step.getExecutionContext().putString(CALIBRATION_KEY, String.valueOf(to));
				BatchSampler.onCompletion(System.nanoTime(), (nanos) -> this.calibrationCompletions.add(nanos / 1e6));
				return RepeatStatus.CONTINUABLE;
			}
			case WARM_UP, SAMPLE -> {
				if (this.phase == Phase.WARM_UP && this.warmUpCosts.isEmpty()) {
					// per-row code compiled first, in a tenth of the bound at most
					this.warmUpRead = this.sampler.readOnly(this.plan.warmUp(), WARM_UP_ROWS,
							now + this.options.maxDuration().toNanos() / 10);
				}
				@Nullable Object start = (this.phase == Phase.WARM_UP) ? this.plan.warmUp()
						: this.plan.starts().get(this.attempted++);
				try {
					this.previous = this.sampler.apply(start);
					if (this.phase == Phase.SAMPLE) {
						BatchSampler.Measured sampled = this.previous;
						if (!this.measured.isEmpty() && !this.chainBroken) {
							BatchSampler.Measured last = this.measured.get(this.measured.size() - 1);
							this.betweenSamples.add((sampled.probeStartNanos - last.workEndNanos) / 1e6);
						}
						this.measured.add(sampled);
						this.chainBroken = false;
					}
				}
				catch (DataAccessException ex) {
					TransientFailure failure = TransientFailure.of(ex);
					if (failure == null) {
						throw ex;
					}
					// production traffic held the rows longer than lock_timeout, or the
					// batch ran past statement_timeout: evidence for the user, not a
					// reason to discard the other samples
					this.timedOut.add(String.format("The batch %s hit a timeout (%s): a run would retry there.",
							(start != null) ? "after key " + start : "from the first key", failure));
					// the wait is not a batch's cost: the next sample starts a new gap
					this.chainBroken = this.phase == Phase.SAMPLE;
					this.warmUpFailed |= (this.phase == Phase.WARM_UP);
				}
				return RepeatStatus.CONTINUABLE;
			}
			default -> {
				logger.debug(
						"Dry-run of '{}': calibration {} batches in {} ms ({} ms per batch besides the work), "
								+ "warm-up {} rows read-only in {} ms and {} batches applied, {} samples; {} ms in all",
						this.backfill.name(), this.calibrationCosts.size(),
						Math.round(this.calibrationCosts.stream().mapToDouble(Double::doubleValue).sum()),
						String.format("%.2f", overheadMillis()), this.warmUpRead.rows(), this.warmUpRead.millis(),
						this.warmUpCosts.size(), this.measured.size(), (now - this.stepStartNanos) / 1_000_000);
				step.getExecutionContext().remove(CALIBRATION_KEY);
				this.estimate = estimate(step);
				StoredEstimate.writeTo(this.estimate, step.getExecutionContext());
				return RepeatStatus.FINISHED;
			}
		}
	}

	private Phase next(long now) {
		long elapsed = now - this.stepStartNanos;
		long bound = this.options.maxDuration().toNanos();
		return switch (this.phase) {
			// the more batches a run has, the more their fixed cost weighs, and the
			// longer the JVM is warm
			case CALIBRATE -> (this.calibrationCosts.size() < Math.min(MAX_CALIBRATION,
					Math.max(MIN_CALIBRATION, this.plan.batches() / 20)) && elapsed < bound / 20) ? Phase.CALIBRATE
							: next(Phase.WARM_UP, now);
			case WARM_UP -> stillWarmingUp(elapsed, bound) ? Phase.WARM_UP : next(Phase.SAMPLE, now);
			case SAMPLE -> (this.attempted < this.plan.starts().size() && (elapsed < bound || this.measured.isEmpty()))
					? Phase.SAMPLE : Phase.DONE;
			case DONE -> Phase.DONE;
		};
	}

	private Phase next(Phase phase, long now) {
		this.phase = phase;
		return next(now);
	}

	// a cold JVM applies the first batches several times slower than a warm one: repeat
	// the warm-up batch until its time stops falling, within bounds
	private boolean stillWarmingUp(long elapsed, long bound) {
		int n = this.warmUpCosts.size();
		if (this.warmUpFailed) {
			return false;
		}
		if (n < MIN_WARM_UPS) {
			return true;
		}
		if (n >= MAX_WARM_UPS || elapsed > bound / 4) {
			return false;
		}
		double best = this.warmUpCosts.subList(0, n - 1).stream().mapToDouble(Double::doubleValue).min().orElse(0);
		return this.warmUpCosts.get(n - 1) < 0.9 * best;
	}

	private double overheadMillis() {
		return Extrapolation.overheadMillis(this.calibrationCosts, this.calibrationCompletions);
	}

	// samples to estimate: the arithmetic is the extrapolation's, the warnings of
	// timeouts and of the time bound are the phases'
	private Estimate estimate(StepExecution step) {
		List<Extrapolation.Timed> timed = timed();
		List<Estimate.Sample> sampled = timed.stream().map(Extrapolation.Timed::sample).toList();
		if (sampled.isEmpty()) {
			throw new IllegalStateException("Every sampled batch of '" + this.backfill.name() + "' hit a timeout, so "
					+ "there is nothing to estimate from: " + String.join(" ", this.timedOut) + " Find what holds "
					+ "the rows (pg_locks), or raise backfill.lock-timeout / backfill.statement-timeout.");
		}
		IdempotencyCheck.Outcome idempotency = this.idempotency.check(sampled);
		Extrapolation run = new Extrapolation(timed, this.plan, this.sizing, this.settings.sizing());
		List<String> warnings = new ArrayList<>();
		run.lockWarning().ifPresent(warnings::add);
		warnings.addAll(this.timedOut);
		if (this.attempted < this.plan.starts().size()) {
			warnings.add(String.format(
					"Sampling stopped after %d of %d batches at the %s bound "
							+ "(backfill.dry-run.max-duration): the range is wider than it would be.",
					this.attempted, this.plan.starts().size(), this.options.maxDuration()));
		}
		run.statisticsWarning(this.shape.table()).ifPresent(warnings::add);
		idempotency.warning().ifPresent(warnings::add);
		double elapsed = (System.nanoTime() - this.stepStartNanos) / 1e9;
		return run.into(Estimate.builder(this.backfill.name(), step.getJobExecutionId(), Instant.now()))
			.timedBy(run.timeEstimatedBy(between()))
			.idempotency(idempotency.idempotent(), idempotency.range(), idempotency.rewritten())
			.samples(sampled, sampled.size())
			.cost(this.rolledBackRows + idempotency.rowsWritten(), this.rolledBackWal + idempotency.walBytes(), elapsed)
			.warnings(warnings)
			.parallel(this.options.parallelism(),
					(this.options.parallelism() > 1) ? this.sideBySide.speedup(timed, this.options.parallelism()) : 1)
			.build();
	}

	@Nullable Estimate estimate() {
		return this.estimate;
	}

	private String between() {
		return (this.betweenSamples.size() < MIN_BETWEEN) ? String
			.format("each sample's commit and %.2f ms a batch measured on %d batches without work (too few samples to "
					+ "measure between them)", overheadMillis(), this.calibrationCosts.size())
				: String.format("%.2f ms a batch measured between the sampled batches' work (its log row, "
						+ "checkpoint and commit; median of %d)", betweenMillis(), this.betweenSamples.size());
	}

	private double betweenMillis() {
		return Extrapolation
			.percentile(this.betweenSamples.stream().mapToDouble(Double::doubleValue).sorted().toArray(), 0.5);
	}

	// what a batch pays besides its probe and work, as measured between the sampled
	// batches (after a real batch's work, its commit flushing that work's WAL), when
	// there are enough; otherwise the calibrated batches without work and each sample's
	// commit
	private List<Extrapolation.Timed> timed() {
		if (this.betweenSamples.size() < MIN_BETWEEN) {
			return this.measured.stream().map((m) -> m.sample(overheadMillis())).toList();
		}
		double between = betweenMillis();
		logger.debug(
				"Dry-run of '{}': {} ms per batch between the sampled batches' work (median of {}), {} ms "
						+ "calibrated",
				this.backfill.name(), String.format("%.2f", between), this.betweenSamples.size(),
				String.format("%.2f", overheadMillis()));
		// the gaps' commits are typical ones: so is the commit that scales with the
		// batch,
		// rather than a sample's own, which may have met a flush stall
		double commit = Extrapolation
			.percentile(this.measured.stream().mapToDouble((m) -> m.completionNanos / 1e6).sorted().toArray(), 0.5);
		return this.measured.stream().map((m) -> m.between(between, commit)).toList();
	}

	private enum Phase {

		CALIBRATE, WARM_UP, SAMPLE, DONE

	}

}

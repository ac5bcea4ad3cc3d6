package dev.backfill.boot.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.backfill.Progress;
import dev.backfill.ProgressListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters of every run, rollback included, tagged {@code backfill=<name>}: rows
 * changed ({@code backfill.rows}), batch duration ({@code backfill.batch.duration}, with
 * percentiles), batch size, rows remaining and ETA ({@code backfill.batch.size},
 * {@code backfill.rows.remaining}, {@code backfill.eta}, gauges of the latest batch),
 * retries ({@code backfill.retries}, tagged with the SQLSTATE and whether the batch was
 * tried again) and throttled time ({@code backfill.throttled}, seconds, tagged with the
 * throttle that held the run).
 *
 * @since 0.1.0
 */
public class BackfillMetrics implements ProgressListener {

	private final MeterRegistry registry;

	private final Map<String, Meters> meters = new ConcurrentHashMap<>();

	/**
	 * Creates the meters' listener.
	 * @param registry where meters are registered
	 */
	public BackfillMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onBatch(Progress progress) {
		// registered once per backfill: this runs after every batch
		Meters meters = this.meters.computeIfAbsent(progress.backfill(), this::register);
		meters.rows().increment(progress.batchRows());
		meters.batchDuration().record(progress.batchMillis(), TimeUnit.MILLISECONDS);
		meters.batchSize().set(progress.batchKeys());
		meters.rowsRemaining().set(progress.rowsRemainingEstimate());
		meters.eta().set(progress.etaSeconds());
	}

	@Override
	public void onFinished(String backfill) {
		Meters meters = this.meters.get(backfill);
		if (meters != null) {
			meters.rowsRemaining().set(0);
			meters.eta().set(0);
		}
	}

	@Override
	public void onRetry(String backfill, String sqlState, boolean retried) {
		Counter.builder("backfill.retries")
			.description("Failed attempts at a batch")
			.tag("backfill", backfill)
			.tag("sqlstate", sqlState)
			.tag("outcome", retried ? "retried" : "failed")
			.register(this.registry)
			.increment();
	}

	@Override
	public void onThrottled(String backfill, String throttle, Duration held) {
		Counter.builder("backfill.throttled")
			.description("Time throttles held a backfill")
			.baseUnit("seconds")
			.tag("backfill", backfill)
			.tag("reason", throttle)
			.register(this.registry)
			.increment(held.toNanos() / 1e9);
	}

	private Meters register(String name) {
		Counter rows = Counter.builder("backfill.rows")
			.description("Rows changed by a backfill's batches")
			.tag("backfill", name)
			.register(this.registry);
		Timer batchDuration = Timer.builder("backfill.batch.duration")
			.description("Time of a batch's work, which holds its row locks")
			.tag("backfill", name)
			.publishPercentiles(0.5, 0.95, 0.99)
			.register(this.registry);
		Meters meters = new Meters(rows, batchDuration, new AtomicLong(), new AtomicLong(), new AtomicLong());
		Gauge.builder("backfill.batch.size", meters.batchSize(), AtomicLong::get)
			.description("Keys of the latest batch")
			.tag("backfill", name)
			.register(this.registry);
		Gauge.builder("backfill.rows.remaining", meters.rowsRemaining(), AtomicLong::get)
			.description("Rows estimated still to change")
			.tag("backfill", name)
			.register(this.registry);
		Gauge.builder("backfill.eta", meters.eta(), AtomicLong::get)
			.description("Estimated time left")
			.baseUnit("seconds")
			.tag("backfill", name)
			.register(this.registry);
		return meters;
	}

	// the gauges' values are held here: gauges keep only a weak reference to what they
	// read
	private record Meters(Counter rows, Timer batchDuration, AtomicLong batchSize, AtomicLong rowsRemaining,
			AtomicLong eta) {
	}

}

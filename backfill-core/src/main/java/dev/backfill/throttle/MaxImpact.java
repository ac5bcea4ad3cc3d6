package dev.backfill.throttle;

import java.time.Duration;

import dev.backfill.BackfillThrottle;

/**
 * Keeps the application's loss of write throughput under a share. The engine measures how
 * much slower the other sessions write while a batch runs
 * ({@link dev.backfill.BackfillThrottle.Foreground#slowdown()}); when a batch slows them
 * by {@code s}, the run rests after each batch for as long as makes batches take
 * {@code share / s} of the time, so that they lose about {@code share} of their writes
 * (the measure runs low: see {@link #DEFAULT_SHARE}). While nothing is known (the run has
 * not rested between batches lately) it goes on, resting for a short sample now and then:
 * after half a second of batches, then about every 10 s. On a database where no other
 * session took a transaction id lately, while batches ran or while it rested, there are
 * no writes to keep: it samples after about 17 s of batches, then about once a minute, in
 * case the application's writes had stalled altogether.
 *
 * @param share the share of the application's write throughput the backfill may take,
 * above 0 and below 1, such as {@code 0.05}
 * @since 0.1.0
 */
public record MaxImpact(double share) implements BackfillThrottle {

	/**
	 * The default share: a twentieth of the application's write throughput. The engine's
	 * measure runs low when a batch's load lingers after its commit (10% measured as
	 * 8–17% in benchmarks), and the application's p99 latency needs the smaller share.
	 */
	public static final double DEFAULT_SHARE = 0.05;

	// a run that has batched this long (decayed) but rested less than MIN_IDLE lately
	// rests for a SAMPLE: with the 10 s half-life a sample's 0.2 s decays under MIN_IDLE
	// in 10 s, so about 2% of a run that never has to rest
	private static final double BUSY_BEFORE_SAMPLE = 0.5;

	private static final double MIN_IDLE = 0.1;

	private static final Duration SAMPLE = Duration.ofMillis(200);

	// fewer transactions than one, decayed, is no other session writing at all
	private static final double QUIET = 1;

	// a quiet database's sample: its 0.2 s rest decays under this in a minute (six half
	// lives), and 10 s of decayed batches take about 17 s to build up
	private static final double QUIET_MIN_IDLE = SAMPLE.toMillis() / 1000.0 / 64;

	private static final double QUIET_BUSY_BEFORE_SAMPLE = 10;

	/**
	 * Validates the share.
	 * @throws IllegalArgumentException when it is not between 0 and 1
	 */
	public MaxImpact {
		if (!(share > 0 && share < 1)) {
			throw new IllegalArgumentException("backfill max impact " + share
					+ " must be above 0 and below 1, such as 0.05 for a twentieth of the application's writes");
		}
	}

	@Override
	public Decision check(Context context) {
		Foreground foreground = context.foreground();
		boolean quiet = foreground.idleRate() * foreground.idleSeconds()
				+ foreground.busyRate() * foreground.busySeconds() < QUIET;
		boolean due = quiet
				? foreground.busySeconds() >= QUIET_BUSY_BEFORE_SAMPLE && foreground.idleSeconds() < QUIET_MIN_IDLE
				: foreground.busySeconds() >= BUSY_BEFORE_SAMPLE && foreground.idleSeconds() < MIN_IDLE;
		if (due) {
			return Decision.hold("measuring the application's writes between batches", SAMPLE);
		}
		double slowdown = foreground.slowdown();
		if (slowdown <= this.share) {
			return Decision.proceed();
		}
		long restNanos = Math.round(foreground.lastBatch().toNanos() * (slowdown / this.share - 1));
		long left = restNanos - foreground.sinceLastBatch().toNanos();
		if (left <= 0) {
			return Decision.proceed();
		}
		return Decision.hold(String.format(
				"the application writes %.0f%% slower while a batch runs; resting keeps " + "its loss under %.0f%%",
				slowdown * 100, this.share * 100), Duration.ofNanos(left));
	}

}

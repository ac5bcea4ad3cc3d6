package dev.backfill.throttle;

import java.time.Duration;

import dev.backfill.BackfillThrottle;

/**
 * Holds while any standby replays more than {@code max} behind the primary
 * ({@code pg_stat_replication.replay_lag}). Without standbys, or on a standby, it never
 * holds.
 *
 * @param max the longest replay lag tolerated
 * @since 0.1.0
 */
public record ReplicationLag(Duration max) implements BackfillThrottle {

	private static final String LAG = """
			SELECT coalesce(max(extract(epoch FROM replay_lag)), 0) FROM pg_stat_replication""";

	/**
	 * How long a look that found no lag stands: a standby reports its replay position
	 * every few seconds ({@code wal_receiver_status_interval}), so a look each second
	 * misses nothing.
	 */
	static final Duration STANDS = Duration.ofSeconds(1);

	@Override
	public Decision check(Context context) {
		double lag = context.jdbc().sql(LAG).query(Double.class).single();
		return (lag * 1000 > this.max.toMillis())
				? Decision.hold(String.format("replication lag %.1f s > %s", lag, this.max))
				: Decision.proceedFor(STANDS);
	}

}

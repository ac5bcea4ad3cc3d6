package dev.backfill.throttle;

import java.time.Duration;

import dev.backfill.BackfillThrottle;

/**
 * Holds while a vacuum runs on the backfill's table ({@code pg_stat_progress_vacuum}), so
 * the two do not compete for its pages and the backfill's dead tuples are cleaned before
 * it makes more.
 *
 * @since 0.1.0
 */
public record Autovacuum() implements BackfillThrottle {

	private static final String VACUUMING = """
			SELECT count(*) FROM pg_stat_progress_vacuum WHERE relid = to_regclass(:table)""";

	/**
	 * How long a look that found no vacuum stands: a vacuum runs for seconds at least.
	 */
	static final Duration STANDS = Duration.ofSeconds(1);

	@Override
	public Decision check(Context context) {
		long running = context.jdbc().sql(VACUUMING).param("table", context.table()).query(Long.class).single();
		return (running > 0) ? Decision.hold("vacuum running on " + context.table()) : Decision.proceedFor(STANDS);
	}

}

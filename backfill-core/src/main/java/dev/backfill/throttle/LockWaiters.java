package dev.backfill.throttle;

import java.time.Duration;

import dev.backfill.BackfillThrottle;

/**
 * Holds while more than {@code max} sessions wait for a lock on the backfill's table or
 * on one of its rows: the application is queueing behind something, quite possibly the
 * backfill.
 *
 * @param max the most waiting sessions tolerated
 * @since 0.1.0
 */
public record LockWaiters(int max) implements BackfillThrottle {

	// a row lock wait shows as an ungranted tuple lock on the table, or, for the first
	// waiter, as an ungranted transactionid lock of a session that holds a tuple lock on
	// it
	private static final String WAITERS = """
			SELECT count(DISTINCT w.pid) FROM pg_locks w
			WHERE NOT w.granted AND w.pid <> pg_backend_pid()
			  AND (w.relation = to_regclass(:table)
			       OR (w.locktype = 'transactionid' AND EXISTS (SELECT 1 FROM pg_locks t WHERE t.pid = w.pid
			           AND t.locktype = 'tuple' AND t.relation = to_regclass(:table))))""";

	/**
	 * How long a look that found no queue stands: five looks a second, not one before
	 * each of a hundred short batches.
	 */
	static final Duration STANDS = Duration.ofMillis(200);

	@Override
	public Decision check(Context context) {
		long waiters = context.jdbc().sql(WAITERS).param("table", context.table()).query(Long.class).single();
		return (waiters > this.max) ? Decision.hold(waiters + " sessions wait for locks on " + context.table())
				: Decision.proceedFor(STANDS);
	}

}

package dev.backfill;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Asked before every batch whether the database can take it now (after a go-ahead that
 * stands for a while, {@link Decision#proceedFor(Duration)}, once that time is up). The
 * engine asks every throttle of the chain; while one holds, the run waits (no transaction
 * open), asks again, logs the reason once per change, and leaves the time out of its rows
 * per second and ETA. Declare one as a bean to add it to the chain (an application's own
 * latency objective, say); the built-ins are in {@code dev.backfill.throttle}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface BackfillThrottle {

	/**
	 * Decides about the next batch.
	 * @param context the run asking
	 * @return {@link Decision#proceed()}, or a hold with its reason
	 */
	Decision check(Context context);

	/**
	 * The run that asks.
	 *
	 * @param backfill the backfill's name
	 * @param table its table, as SQL (quoted)
	 * @param jdbc a client on the database, outside the batch's transaction
	 * @param rowsDone rows the run changed in this process
	 * @param elapsedSeconds wall time of the run in this process, held time included
	 * @param foreground what the database's other sessions wrote around this run's
	 * batches
	 */
	record Context(String backfill, String table, JdbcClient jdbc, long rowsDone, double elapsedSeconds,
			Foreground foreground) {
	}

	/**
	 * The application's writes around the run's batches, measured by the engine from the
	 * transaction ids the other sessions take (the {@code xmax} of
	 * {@code pg_current_snapshot()}, read before every batch): their rate while a batch
	 * runs against their rate between batches. Both rates are averaged over the recent
	 * past, the older time counting half every 10 s. Read-only transactions take no
	 * transaction id and are not seen.
	 *
	 * @param idleRate other sessions' write transactions per second between batches; 0
	 * until measured
	 * @param busyRate other sessions' write transactions per second while a batch ran; 0
	 * until measured
	 * @param idleSeconds recent time observed between batches, decayed like the rates:
	 * what {@code idleRate} rests on
	 * @param busySeconds recent time observed while batches ran, decayed likewise
	 * @param lastBatch how long the last batch took, from the checks before it to its
	 * commit; zero before the first
	 * @param sinceLastBatch how long ago the last batch ended
	 */
	record Foreground(double idleRate, double busyRate, double idleSeconds, double busySeconds, Duration lastBatch,
			Duration sinceLastBatch) {

		/** Nothing measured yet. */
		public static final Foreground UNKNOWN = new Foreground(0, 0, 0, 0, Duration.ZERO, Duration.ZERO);

		// fewer transactions than this, expected in either window, say nothing about a
		// slowdown
		private static final double ENOUGH_TRANSACTIONS = 20;

		/**
		 * How much slower the other sessions write while a batch runs.
		 * @return the share of their write rate lost during batches, from 0 (none, or too
		 * few writes to tell) to 1 (none went through)
		 */
		public double slowdown() {
			if (this.idleRate * this.idleSeconds < ENOUGH_TRANSACTIONS
					|| this.idleRate * this.busySeconds < ENOUGH_TRANSACTIONS) {
				return 0;
			}
			return Math.max(0, Math.min(1, 1 - this.busyRate / this.idleRate));
		}

	}

	/**
	 * A throttle's answer.
	 *
	 * @param reason why to hold, or {@code null} to proceed
	 * @param pause for a hold, how long to hold before asking again, or {@code null} for
	 * the engine's backoff; for a go-ahead, how long it stands: the engine does not ask
	 * this throttle again for so long, which spares a batch the round trip of a look at
	 * the database that cannot have changed (or {@code null}: asked before every batch)
	 */
	record Decision(@Nullable String reason, @Nullable Duration pause) {

		private static final Decision PROCEED = new Decision(null, null);

		/**
		 * @return go ahead
		 */
		public static Decision proceed() {
			return PROCEED;
		}

		/**
		 * @param stands how long the go-ahead stands, such as 1 second for a look at
		 * replication lag: the throttle is not asked again before that
		 * @return go ahead, for that long
		 */
		public static Decision proceedFor(Duration stands) {
			return new Decision(null, stands);
		}

		/**
		 * @param reason why, for the log, such as {@code replication lag 14 s > 10 s}
		 * @return hold, asking again after the engine's backoff
		 */
		public static Decision hold(String reason) {
			return new Decision(reason, null);
		}

		/**
		 * @param reason why
		 * @param wait how long to wait before asking again
		 * @return hold for that long
		 */
		public static Decision hold(String reason, Duration wait) {
			return new Decision(reason, wait);
		}

		/**
		 * @return whether to hold
		 */
		public boolean holds() {
			return this.reason != null;
		}

	}

}

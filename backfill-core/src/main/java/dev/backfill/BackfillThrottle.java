package dev.backfill;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Asked before every batch whether the database can take it now. The engine asks every throttle of the chain; while
 * one holds, the run waits (no transaction open), asks again, logs the reason once per change, and leaves the time
 * out of its rows per second and ETA. Declare one as a bean to add it to the chain (an application's own latency
 * objective, say); the built-ins are in {@code dev.backfill.throttle}.
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
	 */
	record Context(String backfill, String table, JdbcClient jdbc, long rowsDone, double elapsedSeconds) {
	}

	/**
	 * A throttle's answer.
	 *
	 * @param reason why to hold, or {@code null} to proceed
	 * @param pause how long to hold before asking again, or {@code null} for the engine's backoff
	 */
	record Decision(@Nullable String reason, @Nullable Duration pause) {

		private static final Decision PROCEED = new Decision(null, null);

		/** @return go ahead */
		public static Decision proceed() {
			return PROCEED;
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

		/** @return whether to hold */
		public boolean holds() {
			return this.reason != null;
		}

	}

}

package dev.backfill.internal;

import java.sql.SQLException;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A failure that live traffic causes and that goes away by itself: a lock timeout ({@code 55P03}), a statement
 * timeout ({@code 57014}), a deadlock ({@code 40P01}) or a serialization failure ({@code 40001}). Inside a
 * transaction, rolling back to a savepoint recovers from each.
 *
 * @param sqlState the SQLSTATE
 * @param message the database's message
 */
record TransientFailure(String sqlState, String message) {

	private static final Set<String> STATES = Set.of("55P03", "57014", "40P01", "40001");

	/**
	 * @param ex a failure
	 * @return the transient failure it holds, or {@code null} when it is not one
	 */
	static @Nullable TransientFailure of(Throwable ex) {
		for (Throwable t = ex; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof SQLException sql && STATES.contains(sql.getSQLState())) {
				return new TransientFailure(sql.getSQLState(), String.valueOf(sql.getMessage()).strip());
			}
		}
		return null;
	}

	/** @return whether the batch ran out of time, so that a smaller one may pass */
	boolean isTimeout() {
		return this.sqlState.equals("55P03") || this.sqlState.equals("57014");
	}

	@Override
	public String toString() {
		return "SQLSTATE " + this.sqlState + ": " + this.message;
	}

}

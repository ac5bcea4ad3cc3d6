package dev.backfill.engine;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.TransactionSystemException;

/**
 * A failure that goes away by itself, found in an exception's causes by its SQLSTATE.
 * Live traffic causes a lock timeout ({@code 55P03}), a statement timeout
 * ({@code 57014}), a deadlock ({@code 40P01}) or a serialization failure ({@code 40001}):
 * rolling back to a savepoint recovers from each. A restart or
 * {@code pg_terminate_backend} ends the session (class {@code 08}, {@code 57P01} to
 * {@code 57P03}): only a new connection recovers from that.
 *
 * @param sqlState the SQLSTATE
 * @param message the database's message
 */
record TransientFailure(String sqlState, String message) {

	private static final Set<String> IN_TRANSACTION = Set.of("55P03", "57014", "40P01", "40001");

	/**
	 * @param ex a failure
	 * @return the in-transaction failure it holds (lock, timeout, deadlock,
	 * serialization), or {@code null}
	 */
	public static @Nullable TransientFailure of(Throwable ex) {
		return find(List.of(ex), IN_TRANSACTION::contains);
	}

	/**
	 * @param failures failures of one run
	 * @return the lost session among them, or {@code null}; when a rollback then failed
	 * too, the failure it hides is searched as well
	 */
	public static @Nullable TransientFailure connectionLoss(List<Throwable> failures) {
		return find(failures, (state) -> state.startsWith("08") || state.startsWith("57P"));
	}

	private static @Nullable TransientFailure find(List<Throwable> failures, Predicate<String> states) {
		for (Throwable failure : failures) {
			for (Throwable t = failure; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
				if (t instanceof SQLException sql && sql.getSQLState() != null && states.test(sql.getSQLState())) {
					return new TransientFailure(sql.getSQLState(), String.valueOf(sql.getMessage()).strip());
				}
				if (t instanceof TransactionSystemException tx && tx.getApplicationException() != null) {
					TransientFailure hidden = find(List.of(tx.getApplicationException()), states);
					if (hidden != null) {
						return hidden;
					}
				}
			}
		}
		return null;
	}

	/**
	 * @return whether the batch ran out of time, so that a smaller one may pass
	 */
	public boolean isTimeout() {
		return this.sqlState.equals("55P03") || this.sqlState.equals("57014");
	}

	@Override
	public String toString() {
		return "SQLSTATE " + this.sqlState + ": " + this.message;
	}

}

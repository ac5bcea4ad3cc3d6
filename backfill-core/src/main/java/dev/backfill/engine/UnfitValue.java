package dev.backfill.engine;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import dev.backfill.BackfillException;
import dev.backfill.KeyRange;
import dev.backfill.jdbc.ColumnType;
import dev.backfill.jdbc.TableKey;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;

/**
 * A value a Java batch set that its column refuses: too long ({@code 22001}), out of
 * range ({@code 22003}), of the wrong length ({@code 22026}) or not of the column's type
 * (the rest of SQLSTATE class {@code 22}). PostgreSQL names neither the column nor the
 * row; they are found after the batch's savepoint was rolled back, by writing the
 * column's values again, half as many rows each time, in savepoints that are rolled back
 * too.
 *
 * @param column the column
 * @param key the row's key
 * @param type the column's type
 * @param length the value's length in characters, as text (the value itself is never
 * logged)
 * @param sqlState the SQLSTATE of the value's own failure
 * @param message PostgreSQL's message, when it names no value
 */
record UnfitValue(String column, String key, ColumnType type, int length, String sqlState, @Nullable String message) {

	/** The SQLSTATEs whose messages name the type but not the value. */
	private static final List<String> WITHOUT_VALUE = List.of("22001", "22003", "22026");

	/**
	 * @param failure a failure
	 * @return the data exception (SQLSTATE class 22) among its causes, or {@code null}
	 */
	static @Nullable SQLException dataException(Throwable failure) {
		for (Throwable t = failure; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
				return sql;
			}
		}
		return null;
	}

	/**
	 * Finds the first row whose value the column refuses.
	 * @param jdbc a client bound to the batch's transaction
	 * @param savepoint runs each try in a savepoint of its own
	 * @param update the write of this column alone: the keys (an array per key column),
	 * then the values, as text arrays
	 * @param column the column
	 * @param type its type
	 * @param key the table's key, which binds the keys
	 * @param keys the rows' keys, in their Java form
	 * @param values the values set, in the order of the keys
	 * @return the value, or empty when no single value fails
	 */
	static Optional<UnfitValue> find(JdbcClient jdbc, TransactionOperations savepoint, String update, String column,
			ColumnType type, TableKey key, List<Object> keys, List<@Nullable String> values) {
		if (tryWrite(jdbc, savepoint, update, key, keys, values) == null) {
			return Optional.empty();
		}
		// [from, to) fails
		int from = 0;
		int to = keys.size();
		while (to - from > 1) {
			int middle = (from + to) >>> 1;
			if (tryWrite(jdbc, savepoint, update, key, keys.subList(from, middle),
					values.subList(from, middle)) != null) {
				to = middle;
			}
			else {
				from = middle;
			}
		}
		SQLException alone = tryWrite(jdbc, savepoint, update, key, keys.subList(from, to), values.subList(from, to));
		if (alone == null) {
			return Optional.empty();
		}
		String value = values.get(from);
		String state = alone.getSQLState();
		String message = WITHOUT_VALUE.contains(state)
				? String.valueOf(alone.getMessage()).lines().findFirst().orElse("").replaceFirst("^ERROR: ", "") : null;
		return Optional.of(new UnfitValue(column, keys.get(from).toString(), type,
				(value != null) ? value.codePointCount(0, value.length()) : 0, state, message));
	}

	// the data exception the write fails with, or null when it passes; any other failure
	// ends the search
	private static @Nullable SQLException tryWrite(JdbcClient jdbc, TransactionOperations savepoint, String update,
			TableKey key, List<Object> keys, List<@Nullable String> values) {
		try {
			savepoint.executeWithoutResult((status) -> {
				JdbcClient.StatementSpec statement = jdbc.sql(update);
				for (String[] column : key.columnsOf(keys)) {
					statement = statement.param(column);
				}
				statement.param(values.toArray(String[]::new)).update();
				status.setRollbackOnly();
			});
			return null;
		}
		catch (DataAccessException ex) {
			SQLException data = dataException(ex);
			if (data == null) {
				throw ex;
			}
			return data;
		}
	}

	/**
	 * @param backfill the backfill's name
	 * @param range the batch
	 * @param cause the batch's failure
	 * @return the failure to end the run with: the problem, the column, the key, and the
	 * fix
	 */
	BackfillException failure(String backfill, KeyRange range, Throwable cause) {
		String problem = switch (this.sqlState) {
			case "22001" -> "is too long for it";
			case "22003" -> "is out of its range";
			case "22026" -> "does not have its length";
			default -> "is not a valid " + this.type.declared();
		};
		String fix = switch (this.sqlState) {
			case "22001" -> "Widen the column (ALTER TABLE ... ALTER COLUMN " + this.column
					+ " TYPE ...), or shorten the value in the processor.";
			case "22003" ->
				"Widen the column's type (its precision or range), or keep the value in range in the " + "processor.";
			case "22026" -> "Set a value of the column's length in the processor, or change the column's type.";
			default -> "Set a value of the column's type in the processor (the README lists the Java types each "
					+ "PostgreSQL type accepts), or change the column's type.";
		};
		BackfillException failure = new BackfillException(String.format("Backfill '%s' cannot write column %s (%s) "
				+ "on key %s: the value set, %d characters long as text, %s (SQLSTATE %s%s). Nothing of batch %s was "
				+ "committed. %s", backfill, this.column, this.type.declared(), this.key, this.length, problem,
				this.sqlState, (this.message != null) ? ": " + this.message : "", range, fix));
		// the cause's message is the database's, which may quote the value: kept for the
		// stack trace only
		failure.addSuppressed(cause);
		return failure;
	}

}

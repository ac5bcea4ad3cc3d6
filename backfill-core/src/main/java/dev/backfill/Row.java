package dev.backfill;

import org.jspecify.annotations.Nullable;

/**
 * One row of a Java backfill's batch: the key, the columns it reads, and the values it sets.
 *
 * @since 0.1.0
 */
public interface Row {

	/**
	 * The row's key.
	 * @return the key value ({@link Long}, {@link String} or {@link java.util.UUID})
	 */
	Object key();

	/**
	 * A column the backfill declared in {@code read(...)}.
	 * @param column the column name as declared
	 * @return its value, or {@code null} for SQL NULL
	 * @throws IllegalArgumentException when the column was not declared as read
	 */
	@Nullable Object get(String column);

	/**
	 * A read column as text.
	 * @param column the column name as declared
	 * @return its value as a string, or {@code null} for SQL NULL
	 * @throws IllegalArgumentException when the column was not declared as read
	 */
	default @Nullable String getString(String column) {
		Object value = get(column);
		return (value != null) ? value.toString() : null;
	}

	/**
	 * Sets a column the backfill declared in {@code write(...)}. A row on which nothing is set is not written.
	 * @param column the column name as declared
	 * @param value the new value; {@code null} writes SQL NULL
	 * @return this row
	 * @throws IllegalArgumentException when the column was not declared as written
	 */
	Row set(String column, @Nullable Object value);

}

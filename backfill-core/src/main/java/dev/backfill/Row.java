package dev.backfill;

import org.jspecify.annotations.Nullable;

/**
 * One row of a Java backfill's batch: the key, the columns it reads, and the values it
 * sets.
 * <p>
 * A column is read as the Java type of its base type (under any domain), through its JDBC
 * type or as PostgreSQL's own text, so every value is exact and nothing depends on the
 * JVM's default time zone:
 * <ul>
 * <li>{@code timestamptz}: {@link java.time.OffsetDateTime} in UTC; {@code timestamp}:
 * {@link java.time.LocalDateTime}; {@code date}: {@link java.time.LocalDate};
 * {@code time}: {@link java.time.LocalTime}; {@code timetz}:
 * {@link java.time.OffsetTime}. {@code infinity} and {@code -infinity} are the types'
 * {@code MAX} and {@code MIN}, and {@code 24:00:00} is {@code LocalTime.MAX}; years BC
 * are years 0 and below.</li>
 * <li>{@code numeric}: {@link java.math.BigDecimal}, or {@link Double} for {@code NaN}
 * and {@code ±Infinity}; {@code double precision}: {@link Double}; {@code real}:
 * {@link Float}; {@code smallint}, {@code integer}: {@link Integer}; {@code bigint}:
 * {@link Long}; {@code boolean}: {@link Boolean}.</li>
 * <li>{@code bytea}: {@code byte[]}; {@code uuid}: {@link java.util.UUID}.</li>
 * <li>Every other type ({@code text}, {@code varchar}, {@code char}, {@code json},
 * {@code jsonb}, enums, {@code inet}, {@code interval}, {@code bit}, ranges, arrays such
 * as {@code '{a,"b c"}'}...): {@link String}, PostgreSQL's text form.</li>
 * </ul>
 * A value set is written as text that PostgreSQL reads back exactly: any of the types
 * above, and also {@link java.time.Instant}, {@link java.time.ZonedDateTime},
 * {@link java.util.Date} (its instant), {@link java.sql.Timestamp} (its instant for
 * {@code timestamptz}, else its local date and time, as in JDBC), {@link java.sql.Date},
 * {@link java.sql.Time}, any {@link Number}, a Java enum (its name), and for an array
 * column a {@link java.util.List} or Java array of these. An {@code OffsetDateTime} or
 * {@code ZonedDateTime} keeps its offset; written to a {@code timestamp} column it keeps
 * its own date and time. A {@code LocalDateTime} or {@code LocalDate} for a
 * {@code timestamptz} column is refused, since it names no instant. A value the column
 * cannot hold (too long, out of range) is never cut to fit: it fails the batch, naming
 * the column and the key.
 *
 * @since 0.1.0
 */
public interface Row {

	/**
	 * The row's key.
	 * @return the key value ({@link Long}, {@link String} or {@link java.util.UUID}); for
	 * a composite key, a {@link KeyTuple} of those
	 */
	Object key();

	/**
	 * A column the backfill declared in {@code read(...)}.
	 * @param column the column name as declared
	 * @return its value, of the Java type of the column's type (see {@link Row}), or
	 * {@code null} for SQL NULL
	 * @throws IllegalArgumentException when the column was not declared as read
	 */
	@Nullable Object get(String column);

	/**
	 * A read column as text: the text the Java form writes for its value, which
	 * PostgreSQL reads back exactly (such as {@code 2024-11-03 05:30:00+00:00} for a
	 * {@code timestamptz}, the plain digits of a {@code numeric}, {@code \x00ff} for a
	 * {@code bytea}).
	 * @param column the column name as declared
	 * @return its value as text, or {@code null} for SQL NULL
	 * @throws IllegalArgumentException when the column was not declared as read
	 */
	@Nullable String getString(String column);

	/**
	 * Sets a column the backfill declared in {@code write(...)}. A row on which nothing
	 * is set is not written.
	 * @param column the column name as declared
	 * @param value the new value, of a type listed in {@link Row}; {@code null} writes
	 * SQL NULL
	 * @return this row
	 * @throws IllegalArgumentException when the column was not declared as written, or
	 * the value's type has no exact text for the column
	 */
	Row set(String column, @Nullable Object value);

}

package dev.backfill.engine;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

import dev.backfill.jdbc.ColumnType;
import org.jspecify.annotations.Nullable;

/**
 * The Java type the Java form reads a column's values as, from its base type under any
 * domains. Each is read through its JDBC 4.2 type, or as PostgreSQL's own text, so
 * nothing depends on the JVM's default time zone.
 */
enum ValueType {

	/** {@code boolean}: {@link Boolean}. */
	BOOLEAN,

	/** {@code smallint}, {@code integer}: {@link Integer}. */
	INTEGER,

	/** {@code bigint}: {@link Long}. */
	BIGINT,

	/**
	 * {@code numeric}: {@link java.math.BigDecimal}, or {@link Double} for {@code NaN}
	 * and {@code ±Infinity}.
	 */
	NUMERIC,

	/** {@code double precision}: {@link Double}. */
	DOUBLE,

	/** {@code real}: {@link Float}. */
	FLOAT,

	/** {@code bytea}: {@code byte[]}. */
	BYTES,

	/** {@code uuid}: {@link java.util.UUID}. */
	UUID,

	/**
	 * {@code timestamptz}: {@link OffsetDateTime} in UTC ({@link OffsetDateTime#MAX} and
	 * {@code MIN} for infinity).
	 */
	TIMESTAMPTZ,

	/**
	 * {@code timestamp}: {@link LocalDateTime} ({@link LocalDateTime#MAX} and {@code MIN}
	 * for infinity).
	 */
	TIMESTAMP,

	/**
	 * {@code date}: {@link LocalDate} ({@link LocalDate#MAX} and {@code MIN} for
	 * infinity).
	 */
	DATE,

	/** {@code time}: {@link LocalTime} ({@link LocalTime#MAX} for {@code 24:00:00}). */
	TIME,

	/** {@code timetz}: {@link OffsetTime}. */
	TIMETZ,

	/** {@code text}, {@code varchar}, {@code char}, {@code name}: {@link String}. */
	STRING,

	/**
	 * Any other type, arrays included: {@link String}, PostgreSQL's text form, which the
	 * query casts to.
	 */
	TEXT;

	/**
	 * @param type a column's type
	 * @return how its values are read
	 */
	static ValueType of(ColumnType type) {
		return type.isArray() ? TEXT : named(type.base());
	}

	/**
	 * @param type a column's type
	 * @return how values written to it are formatted: for an array, as its elements
	 */
	static ValueType written(ColumnType type) {
		String element = type.element();
		return (element != null) ? named(element) : named(type.base());
	}

	private static ValueType named(String typname) {
		return switch (typname) {
			case "bool" -> BOOLEAN;
			case "int2", "int4" -> INTEGER;
			case "int8" -> BIGINT;
			case "numeric" -> NUMERIC;
			case "float8" -> DOUBLE;
			case "float4" -> FLOAT;
			case "bytea" -> BYTES;
			case "uuid" -> UUID;
			case "timestamptz" -> TIMESTAMPTZ;
			case "timestamp" -> TIMESTAMP;
			case "date" -> DATE;
			case "time" -> TIME;
			case "timetz" -> TIMETZ;
			case "text", "varchar", "bpchar", "name" -> STRING;
			default -> TEXT;
		};
	}

	/**
	 * @param column a quoted column
	 * @return the select list's expression for it
	 */
	String select(String column) {
		// the driver may receive some types (arrays, point) in binary and print them its
		// own way
		return (this == TEXT) ? "CAST(" + column + " AS text)" : column;
	}

	/**
	 * Reads a column of the current row.
	 * @param rs a result set
	 * @param index the column's index
	 * @return its value, or {@code null} for SQL NULL
	 * @throws SQLException when the driver fails
	 */
	@Nullable Object read(ResultSet rs, int index) throws SQLException {
		Object value = switch (this) {
			case BOOLEAN -> rs.getBoolean(index);
			case INTEGER -> rs.getInt(index);
			case BIGINT -> rs.getLong(index);
			case DOUBLE -> rs.getDouble(index);
			case FLOAT -> rs.getFloat(index);
			// BigDecimal, or Double for NaN and infinity
			case NUMERIC -> rs.getObject(index);
			case BYTES -> rs.getBytes(index);
			case UUID -> rs.getObject(index, java.util.UUID.class);
			case TIMESTAMPTZ -> utc(rs.getObject(index, OffsetDateTime.class));
			case TIMESTAMP -> rs.getObject(index, LocalDateTime.class);
			case DATE -> rs.getObject(index, LocalDate.class);
			case TIME -> rs.getObject(index, LocalTime.class);
			case TIMETZ -> rs.getObject(index, OffsetTime.class);
			case STRING, TEXT -> rs.getString(index);
		};
		return rs.wasNull() ? null : value;
	}

	private static @Nullable OffsetDateTime utc(@Nullable OffsetDateTime time) {
		if (time == null || time.equals(OffsetDateTime.MAX) || time.equals(OffsetDateTime.MIN)) {
			return time;
		}
		return time.withOffsetSameInstant(ZoneOffset.UTC);
	}

}

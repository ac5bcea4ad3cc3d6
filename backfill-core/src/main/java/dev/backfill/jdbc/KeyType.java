package dev.backfill.jdbc;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The key column types a backfill can walk, with their Java form.
 */
public enum KeyType {

	/** {@code smallint}, {@code integer}, {@code bigint}: bound as {@link Long}. */
	INTEGER("bigint"),

	/**
	 * {@code text}, {@code varchar}, {@code char}: bound as {@link String}, ordered by
	 * the column's collation.
	 */
	TEXT("text"),

	/**
	 * {@code uuid}: bound as {@link UUID}, ordered as PostgreSQL orders uuids (bytewise).
	 */
	UUID("uuid");

	private final String sqlType;

	KeyType(String sqlType) {
		this.sqlType = sqlType;
	}

	/**
	 * Maps a PostgreSQL type name ({@code pg_type.typname}).
	 * @param typname the type name
	 * @return the key type, or {@code null} when the type cannot be a key
	 */
	public static @Nullable KeyType of(String typname) {
		return switch (typname) {
			case "int2", "int4", "int8" -> INTEGER;
			case "text", "varchar", "bpchar" -> TEXT;
			case "uuid" -> UUID;
			default -> null;
		};
	}

	/**
	 * @return the SQL type that values of this kind are cast to
	 */
	public String sqlType() {
		return this.sqlType;
	}

	/**
	 * Reads a key stored as text (in the batch log or a checkpoint).
	 * @param text the text form
	 * @return the Java form
	 */
	public Object parse(String text) {
		return switch (this) {
			case INTEGER -> Long.valueOf(text);
			case TEXT -> text;
			case UUID -> java.util.UUID.fromString(text);
		};
	}

	/**
	 * Converts a value read from JDBC to the Java form.
	 * @param value what the driver returned
	 * @return the Java form
	 */
	public Object fromJdbc(Object value) {
		return switch (this) {
			case INTEGER -> ((Number) value).longValue();
			case TEXT -> value.toString();
			case UUID -> (value instanceof java.util.UUID u) ? u : java.util.UUID.fromString(value.toString());
		};
	}

}

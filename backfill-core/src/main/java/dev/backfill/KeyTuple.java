package dev.backfill;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The value of a composite key, such as {@code (tenant_id, id)}: one value per key
 * column, in the key's order, each in its column's Java form ({@link Long},
 * {@link String} or {@link UUID}). It is what {@link KeyRange} bounds and
 * {@link Row#key()} hold for a backfill declared with {@code .key("tenant_id", "id")}.
 * Its text, which the checkpoint and the batch log store, is a JSON array:
 * {@code [42, "9b2e..."]}.
 *
 * @param values the column values, in key order
 * @since 0.3.0
 */
public record KeyTuple(List<Object> values) {

	/**
	 * Validates the values; an {@link Integer} or {@link Short} is kept as a
	 * {@link Long}, the Java form of every integer key column.
	 * @throws IllegalArgumentException when fewer than two values are given, or one is
	 * null or of another type than a key column's
	 */
	public KeyTuple {
		if (values == null || values.size() < 2) {
			throw new IllegalArgumentException(
					"A composite key has two values or more, not " + ((values != null) ? values.size() : 0));
		}
		List<Object> checked = new ArrayList<>(values.size());
		for (Object value : values) {
			if (value instanceof Integer || value instanceof Short) {
				checked.add(((Number) value).longValue());
			}
			else if (value instanceof Long || value instanceof String || value instanceof UUID) {
				checked.add(value);
			}
			else {
				throw new IllegalArgumentException("A key value is a Long, a String or a UUID, not "
						+ ((value != null) ? value.getClass().getName() : "null"));
			}
		}
		values = List.copyOf(checked);
	}

	/**
	 * @param values the column values, in key order
	 * @return the key
	 */
	public static KeyTuple of(Object... values) {
		return new KeyTuple(List.of(values));
	}

	/**
	 * @param index the position of the column in the key, from 0
	 * @return its value
	 */
	public Object get(int index) {
		return this.values.get(index);
	}

	/**
	 * @return the key as a JSON array, numbers bare and text or uuids as strings, written
	 * as PostgreSQL writes {@code json_build_array(...)}: {@code [42, "9b2e..."]}
	 */
	@Override
	public String toString() {
		StringBuilder json = new StringBuilder("[");
		for (Object value : this.values) {
			if (json.length() > 1) {
				json.append(", ");
			}
			if (value instanceof Long number) {
				json.append(number);
			}
			else {
				quote(value.toString(), json);
			}
		}
		return json.append(']').toString();
	}

	private static void quote(String text, StringBuilder json) {
		json.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				case '\b' -> json.append("\\b");
				case '\f' -> json.append("\\f");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

}

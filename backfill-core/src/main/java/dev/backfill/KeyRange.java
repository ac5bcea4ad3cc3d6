package dev.backfill;

import java.util.Objects;

/**
 * A half-open range of key values {@code (from, to]}: the keys one batch covers. Values are the Java form of the key
 * column ({@link Long} for integer keys, {@link String} for text keys, {@link java.util.UUID} for uuid keys); their
 * order is the database's, so only integer ranges are checked for {@code from < to} here.
 *
 * @param from the exclusive lower bound
 * @param to the inclusive upper bound
 * @since 0.1.0
 */
public record KeyRange(Object from, Object to) {

	/**
	 * Validates the range.
	 * @throws IllegalArgumentException when an integer range is empty ({@code from >= to})
	 */
	public KeyRange {
		Objects.requireNonNull(from, "from");
		Objects.requireNonNull(to, "to");
		if (from instanceof Long f && to instanceof Long t && f >= t) {
			throw new IllegalArgumentException("Empty key range (" + f + ", " + t + "]: from must be below to");
		}
	}

	@Override
	public String toString() {
		return "(" + this.from + ", " + this.to + "]";
	}

}

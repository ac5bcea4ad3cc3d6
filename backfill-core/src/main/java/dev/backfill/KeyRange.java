package dev.backfill;

import java.util.Objects;

/**
 * A range of key values: the keys one batch covers. Every batch after the first is
 * half-open, {@code (from, to]}, starting after the key where the previous one ended. The
 * first batch of a walk starts at the smallest key itself, {@code [from, to]}, so that no
 * value below it is needed: every value of every key type can be walked, the lowest of
 * its type included. Values are the Java form of the key column ({@link Long} for integer
 * keys, {@link String} for text keys, {@link java.util.UUID} for uuid keys, a
 * {@link KeyTuple} of those for a composite key); their order is the database's, so only
 * integer ranges are checked here.
 *
 * @param from the lower bound
 * @param to the inclusive upper bound
 * @param fromIncluded whether {@code from} is in the range (the first batch of a walk),
 * or after it
 * @since 0.1.0
 */
public record KeyRange(Object from, Object to, boolean fromIncluded) {

	/**
	 * Validates the range.
	 * @throws IllegalArgumentException when an integer range is empty
	 */
	public KeyRange {
		Objects.requireNonNull(from, "from");
		Objects.requireNonNull(to, "to");
		if (from instanceof Long f && to instanceof Long t && (fromIncluded ? f > t : f >= t)) {
			throw new IllegalArgumentException(
					"Empty key range " + format(f, t, fromIncluded) + ": from must be below to");
		}
	}

	/**
	 * The half-open range {@code (from, to]}.
	 * @param from the exclusive lower bound
	 * @param to the inclusive upper bound
	 */
	public KeyRange(Object from, Object to) {
		this(from, to, false);
	}

	/**
	 * The range {@code [first, to]} of a walk's first batch.
	 * @param first the smallest key of the range, included
	 * @param to the inclusive upper bound
	 * @return the range
	 */
	public static KeyRange startingAt(Object first, Object to) {
		return new KeyRange(first, to, true);
	}

	@Override
	public String toString() {
		return format(this.from, this.to, this.fromIncluded);
	}

	private static String format(Object from, Object to, boolean fromIncluded) {
		return (fromIncluded ? "[" : "(") + from + ", " + to + "]";
	}

}

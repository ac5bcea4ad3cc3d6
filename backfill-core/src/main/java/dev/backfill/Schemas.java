package dev.backfill;

import java.util.Collection;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The schemas one declaration runs over, for applications that keep one schema per
 * tenant: those whose names match a pattern, or those a bean of the application lists.
 * Each schema's table is walked as a backfill of its own, named
 * {@code backfill-name@schema}, with its own checkpoint, run lock and batch log rows; the
 * schemas are listed again at each run, so a schema added later is picked up by the next
 * one. Declared with {@link Backfill.Builder#schemas(String)} or
 * {@link Backfill.Builder#schemas(Supplier)}.
 *
 * @param pattern the pattern over schema names, {@code *} for any characters and
 * {@code ?} for one, such as {@code tenant_*}; {@code null} when listed
 * @param listed what lists the schemas; {@code null} for a pattern
 * @since 0.3.0
 */
public record Schemas(@Nullable String pattern, @Nullable Supplier<? extends Collection<String>> listed) {

	private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9_$*?]+");

	/**
	 * Validates that exactly one of the two is given.
	 * @throws IllegalArgumentException when both or neither are
	 */
	public Schemas {
		if ((pattern == null) == (listed == null)) {
			throw new IllegalArgumentException("Schemas are matched by a pattern or listed, one of the two");
		}
	}

	static Schemas matching(String backfill, String pattern) {
		if (pattern == null || !GLOB.matcher(pattern).matches()) {
			throw new InvalidBackfillException("Backfill '" + backfill + "': .schemas(\"" + pattern + "\") is not a "
					+ "pattern over schema names: use letters, digits, '_', '$', '*' for any characters and '?' for "
					+ "one, such as .schemas(\"tenant_*\").");
		}
		return new Schemas(pattern, null);
	}

	/**
	 * @return the pattern as a {@code LIKE} pattern, {@code _} and {@code %} of the name
	 * itself escaped; {@code null} when listed
	 */
	public @Nullable String like() {
		if (this.pattern == null) {
			return null;
		}
		return this.pattern.replace("\\", "\\\\")
			.replace("%", "\\%")
			.replace("_", "\\_")
			.replace('*', '%')
			.replace('?', '_');
	}

	/**
	 * Tells whether a schema is one of these.
	 * @param schema a schema's name
	 * @return whether it matches the pattern, or is in the list as it is now
	 */
	public boolean includes(String schema) {
		if (this.pattern != null) {
			return Pattern.compile(Pattern.quote(this.pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"))
				.matcher(schema)
				.matches();
		}
		Collection<String> listed = this.listed.get();
		return listed != null && listed.contains(schema);
	}

	/**
	 * @return the pattern, or a word for a list
	 */
	@Override
	public String toString() {
		return (this.pattern != null) ? this.pattern : "the schemas its bean lists";
	}

}

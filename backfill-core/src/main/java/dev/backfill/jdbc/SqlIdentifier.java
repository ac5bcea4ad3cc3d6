package dev.backfill.jdbc;

import java.util.regex.Pattern;

import dev.backfill.InvalidBackfillException;

/**
 * Validates and quotes SQL identifiers: the one place where names from declarations enter
 * SQL text.
 */
public final class SqlIdentifier {

	// PostgreSQL's unquoted identifier characters; anything else is refused rather than
	// escaped
	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

	private SqlIdentifier() {
	}

	/**
	 * Checks that a name is a plain identifier.
	 * @param identifier the name
	 * @param backfill the backfill declaring it, for the message
	 * @param role what the name is, such as "key column"
	 * @return the name
	 * @throws InvalidBackfillException when the name is not a plain identifier
	 */
	public static String check(String identifier, String backfill, String role) {
		if (identifier == null || !IDENTIFIER.matcher(identifier).matches()) {
			throw new InvalidBackfillException("Backfill '" + backfill + "': " + role + " '" + identifier
					+ "' is not a valid identifier. Use letters, digits, '_' and '$', starting with a letter or '_', "
					+ "at most 63 characters, written exactly as in the database.");
		}
		return identifier;
	}

	/**
	 * Checks a table prefix, such as {@code BACKFILL_}: with any table name after it, it
	 * must make an identifier.
	 * @param tablePrefix the prefix
	 * @return the prefix
	 * @throws dev.backfill.InvalidBackfillException when it is not valid
	 */
	public static String checkPrefix(String tablePrefix) {
		return check(tablePrefix + "X", "-", "table prefix").substring(0, tablePrefix.length());
	}

	/**
	 * Quotes a checked identifier.
	 * @param identifier a name that passed {@link #check}
	 * @return the name in double quotes
	 */
	public static String quote(String identifier) {
		if (!IDENTIFIER.matcher(identifier).matches()) {
			throw new IllegalArgumentException("Not a checked identifier: " + identifier);
		}
		return '"' + identifier + '"';
	}

}

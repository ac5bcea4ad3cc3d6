package dev.backfill;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a backfill declaration is incomplete or does not match the database
 * (missing table or key column, no unique index on the key, a statement that does not
 * plan, no rollback, a duplicate name). Retrying does not help: the declaration or the
 * database must change.
 *
 * @since 0.1.0
 */
public class InvalidBackfillException extends BackfillException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message the problem, naming the backfill, and the fix
	 */
	public InvalidBackfillException(String message) {
		super(message);
	}

	/**
	 * Names every way one declaration does not fit its table, at once: one problem after
	 * the backfill's name, or several, one a line.
	 * @param backfill the backfill's name
	 * @param table its table
	 * @param problems each a sentence with its values, then its fix
	 * @return the exception
	 */
	public static InvalidBackfillException of(String backfill, String table, List<String> problems) {
		if (problems.size() == 1) {
			return new InvalidBackfillException("Backfill '" + backfill + "': " + problems.get(0));
		}
		return new InvalidBackfillException(
				"Backfill '" + backfill + "' does not fit table " + table + " (" + problems.size() + " problems):"
						+ problems.stream().map((p) -> "\n  - " + p).collect(Collectors.joining()));
	}

	/**
	 * Names every problem of several declarations at once.
	 * @param each one exception for each declaration that does not fit, at least one
	 * @return the exception alone, or one that names every problem of every declaration,
	 * one declaration a line
	 */
	public static InvalidBackfillException ofAll(List<InvalidBackfillException> each) {
		if (each.size() == 1) {
			return each.get(0);
		}
		return new InvalidBackfillException(each.size() + " backfill declarations do not fit the database; correct "
				+ "each as it says:" + each.stream().map((e) -> "\n" + e.getMessage()).collect(Collectors.joining()));
	}

}

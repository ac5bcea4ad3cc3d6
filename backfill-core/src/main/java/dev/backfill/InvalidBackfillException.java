package dev.backfill;

/**
 * Thrown when a backfill declaration is incomplete or does not match the database (missing table or key column, no
 * unique index on the key, no rollback, a duplicate name).
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

}

package dev.backfill;

/**
 * Thrown when a dry-run cannot estimate on this database as asked: an empty table, a
 * sample larger than the table, a read-only standby. The message names the problem and
 * what to do.
 *
 * @since 0.1.0
 */
public class CannotEstimateException extends BackfillException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message the problem and what to do
	 */
	public CannotEstimateException(String message) {
		super(message);
	}

}

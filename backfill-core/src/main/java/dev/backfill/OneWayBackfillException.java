package dev.backfill;

/**
 * Thrown when a rollback is asked of a backfill declared
 * {@link Backfill.Builder#oneWay(String) one-way}.
 *
 * @since 0.1.0
 */
public class OneWayBackfillException extends BackfillException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param name the backfill name
	 * @param reason its declared reason and undo plan
	 */
	public OneWayBackfillException(String name, String reason) {
		super("Backfill '" + name + "' is one-way and cannot be rolled back by this tool. Its declaration says: "
				+ reason);
	}

}

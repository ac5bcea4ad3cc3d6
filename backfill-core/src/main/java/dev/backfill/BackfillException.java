package dev.backfill;

/**
 * Base of every exception the backfill library throws. Messages state the problem, with
 * values, then the fix.
 *
 * @since 0.1.0
 */
public class BackfillException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception with a message.
	 * @param message the problem and the fix
	 */
	public BackfillException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a message and a cause.
	 * @param message the problem and the fix
	 * @param cause the underlying failure
	 */
	public BackfillException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.backfill.boot.cli;

/**
 * Bad command-line usage: an unknown command, name or option. Exit code 2.
 *
 * @since 0.1.0
 */
public class UsageException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what is wrong and what is valid
	 */
	public UsageException(String message) {
		super(message);
	}

}

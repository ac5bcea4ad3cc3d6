package dev.backfill;

/**
 * Thrown when a backfill is started while a live process runs it (that process holds its
 * run lock).
 *
 * @since 0.1.0
 */
public class BackfillAlreadyRunningException extends BackfillException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param name the backfill
	 * @param owner who runs it, such as
	 * {@code "host-1 pid 4242 since 2026-11-24T10:00:00Z"}
	 */
	public BackfillAlreadyRunningException(String name, String owner) {
		super("Backfill '" + name + "' is already running on " + owner
				+ ". Wait for it to finish, or stop that process; a run whose process died is resumed automatically.");
	}

	/**
	 * Creates the exception with a message of a subclass's.
	 * @param message the message
	 */
	protected BackfillAlreadyRunningException(String message) {
		super(message);
	}

}

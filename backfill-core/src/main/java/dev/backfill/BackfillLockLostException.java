package dev.backfill;

/**
 * Thrown when a run lost its run lock (the lock's database session ended alone) and
 * another process took the lock before this one could take it again: this process stopped
 * before its next batch, so that two processes never commit batches of one backfill.
 * Nothing is lost: the process that holds the lock goes on from the checkpoint.
 *
 * @since 0.2.0
 */
public class BackfillLockLostException extends BackfillAlreadyRunningException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param name the backfill
	 * @param owner who holds the lock now, such as
	 * {@code "host-1 pid 4242 since 2026-11-24T10:00:00Z"}
	 */
	public BackfillLockLostException(String name, String owner) {
		super("Backfill '" + name + "' lost its run lock: the lock's database session ended (a restart, "
				+ "pg_terminate_backend, idle_session_timeout or a proxy dropping idle connections), and " + owner
				+ " took the lock before this process could take it again. This process stopped without committing "
				+ "another batch; that one goes on from the checkpoint. If nobody should be running it, stop that "
				+ "process; keep the lock's session alive (exempt it from idle timeouts) to avoid this.");
	}

}

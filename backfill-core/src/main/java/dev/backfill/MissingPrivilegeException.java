package dev.backfill;

import java.sql.SQLException;

/**
 * Thrown when the database role may not do what a backfill's work needs: write its table,
 * or the library's or Spring Batch's tables, or create them. A role that may only read
 * still reports on backfills; it is refused the work that writes. Retrying does not help:
 * run it as another role, or grant the privileges.
 *
 * @since 0.1.0
 */
public class MissingPrivilegeException extends BackfillException {

	private static final long serialVersionUID = 1L;

	/** PostgreSQL's SQLSTATE for a privilege the role lacks. */
	public static final String INSUFFICIENT_PRIVILEGE = "42501";

	/**
	 * Creates the exception.
	 * @param message the work refused, the role and the privileges it lacks, then the fix
	 */
	public MissingPrivilegeException(String message) {
		super(message);
	}

	/**
	 * Tells whether a failure is PostgreSQL refusing the role a privilege (SQLSTATE
	 * 42501), at any depth.
	 * @param failure a failure
	 * @return whether a privilege was refused
	 */
	public static boolean refused(Throwable failure) {
		for (Throwable t = failure; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof SQLException sql && INSUFFICIENT_PRIVILEGE.equals(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

}

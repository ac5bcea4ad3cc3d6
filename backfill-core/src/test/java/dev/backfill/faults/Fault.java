package dev.backfill.faults;

/**
 * What happens at a {@link FaultPoint}: the process dies there, or the database
 * connection is lost there.
 */
enum Fault {

	/**
	 * {@code Runtime.halt} in a child JVM just before the call: nothing of the call
	 * happens.
	 */
	HALT_BEFORE("halt before", true),

	/** {@code Runtime.halt} in a child JVM just after the call returned. */
	HALT_AFTER("halt after", true),

	/**
	 * {@code pg_terminate_backend} of the call's session from another connection just
	 * before it: SQLSTATE 57P01.
	 */
	TERMINATED("57P01 before", false),

	/**
	 * The call's socket broken under the driver just before it: the driver's own I/O
	 * error, SQLSTATE 08006.
	 */
	BROKEN("08006 before", false),

	/**
	 * The call went through (a COMMIT committed), then its socket was broken and the
	 * caller got the driver's 08006 from the next use of the connection: the commit's
	 * reply was lost.
	 */
	REPLY_LOST("08006 after", false);

	private final String label;

	private final boolean halts;

	Fault(String label, boolean halts) {
		this.label = label;
		this.halts = halts;
	}

	/**
	 * @return the column heading of the matrix
	 */
	String label() {
		return this.label;
	}

	/**
	 * @return whether the fault ends the JVM, so that it runs in a child JVM
	 */
	boolean halts() {
		return this.halts;
	}

}

package dev.backfill.faults;

/**
 * What a database holds before the command under attack runs; {@link States} makes each
 * once per variant.
 */
enum State {

	/** The table, every counter 0, no run yet. */
	FRESH("a fresh table"),

	/** A run completed: every counter 1. */
	DONE("a completed run"),

	/**
	 * A run's JVM halted right after batch 3 committed: 300 counters at 1, the execution
	 * left STARTED.
	 */
	DEAD("a run halted after batch 3"),

	/**
	 * A run in two partitions whose JVM halted right after its third batch committed: the
	 * execution and its partitions left STARTED.
	 */
	DEAD_IN_PARTITIONS("a run in 2 partitions halted after its batch 3"),

	/** The run halted after batch 3, then rolled back: every counter 0. */
	ROLLED_BACK("a run halted after batch 3, then rolled back");

	private final String description;

	State(String description) {
		this.description = description;
	}

	String description() {
		return this.description;
	}

}

package dev.backfill.faults;

/**
 * A place in a command where a {@link Fault} strikes: the n-th time an event happens in
 * it. An event is a JobRepository call ({@code repo.createJobInstance}), a statement
 * ({@code sql.work}) or a commit ({@code sql.commit}), as {@link InterceptedDataSource}
 * and {@link CountingJobRepository} name them.
 *
 * @param phase where in the command: {@code launch}, {@code batch 2}, {@code finish}
 * @param name what the point is called in the matrix, such as
 * {@code sql.commit@repo.createJobInstance}
 * @param event the event
 * @param occurrence which time it happens in the command, from 1
 * @param lockSession whether a lost connection hits the run lock's session instead of the
 * call's own
 * @param after the event just before it in the recorded trace ({@code sql.log}): a
 * command that meets the point after another event went another way than the recording (a
 * dry-run samples at random), and the fault does not strike; {@link #ANY} strikes after
 * any event
 */
record FaultPoint(String phase, String name, String event, int occurrence, boolean lockSession, String after) {

	/** Strikes whatever event came before. */
	static final String ANY = "*";

	/**
	 * @return the row heading of the matrix
	 */
	String label() {
		return this.phase + ": " + (this.lockSession ? "run lock session, at " : "") + this.name;
	}

	/**
	 * @return the point as one argument of a child JVM
	 */
	String encode() {
		return String.join("|", this.phase, this.name, this.event, String.valueOf(this.occurrence),
				String.valueOf(this.lockSession), this.after);
	}

	static FaultPoint decode(String text) {
		String[] parts = text.split("\\|", -1);
		return new FaultPoint(parts[0], parts[1], parts[2], Integer.parseInt(parts[3]), Boolean.parseBoolean(parts[4]),
				parts[5]);
	}

}

package dev.backfill;

/**
 * Thrown when a backfill is asked to run before a backfill it runs
 * {@link Backfill#after() after} completed: it reads what that one writes. Nothing was
 * run; the message names the other backfill, its state and what to do.
 *
 * @since 0.3.0
 */
public class BackfillOrderException extends BackfillException {

	private static final long serialVersionUID = 1L;

	private final String backfill;

	private final String before;

	private final BackfillState state;

	/**
	 * @param backfill the backfill asked to run
	 * @param before the backfill it runs after, not completed
	 * @param state that one's state
	 * @param reason that state in words, with what to do
	 */
	public BackfillOrderException(String backfill, String before, BackfillState state, String reason) {
		super("Backfill '" + backfill + "' runs after '" + before + "', which " + reason + ". It runs once '" + before
				+ "' completed.");
		this.backfill = backfill;
		this.before = before;
		this.state = state;
	}

	/**
	 * @return the backfill asked to run
	 */
	public String backfill() {
		return this.backfill;
	}

	/**
	 * @return the backfill it runs after, not completed
	 */
	public String before() {
		return this.before;
	}

	/**
	 * @return that one's state
	 */
	public BackfillState state() {
		return this.state;
	}

}

package dev.backfill;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown where a step requires backfills to be done and proven (a Flyway migration that
 * contracts the schema) and one is not: its latest run did not complete, or no verify
 * after it passed. The message names each and what to do; nothing of the step ran.
 *
 * @since 0.3.0
 */
public class BackfillNotReadyException extends BackfillException {

	private static final long serialVersionUID = 1L;

	private final transient List<Readiness> notReady;

	/**
	 * @param step what was refused, such as {@code Flyway migration 3 (contract emails)}
	 * @param notReady the backfills that are not ready, each with why
	 */
	public BackfillNotReadyException(String step, List<Readiness> notReady) {
		super(step + " requires " + ((notReady.size() == 1) ? "a backfill that is" : "backfills that are")
				+ " not done, so it did not run: "
				+ notReady.stream().map((r) -> r.backfill() + " " + r.reason()).collect(Collectors.joining("; "))
				+ ". Run and verify " + ((notReady.size() == 1) ? "it" : "them")
				+ " with the release before this step ('backfill check' exits 0 when they are done), then run "
				+ "this step again.");
		this.notReady = List.copyOf(notReady);
	}

	/**
	 * @return the backfills that are not ready, each with why
	 */
	public List<Readiness> notReady() {
		return this.notReady;
	}

}

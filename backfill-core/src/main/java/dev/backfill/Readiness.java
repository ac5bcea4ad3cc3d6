package dev.backfill;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;

/**
 * Whether a backfill's work is done and proven, so that the contract step of its
 * migration (the one that drops or renames what the old path reads) may run: its latest
 * run completed, and a verify that ended after that run found no discrepancy. The gate of
 * {@code backfill check}, of the Flyway check and of the health indicator.
 *
 * @param backfill the backfill name
 * @param verdict what holds the contract step back, or {@link Verdict#READY}
 * @param reason the verdict in words, with what to do next, such as
 * {@code completed 2026-12-03T07:12:40Z but not verified since: run 'backfill verify normalize-emails'}
 * @since 0.3.0
 */
public record Readiness(String backfill, Verdict verdict, String reason) {

	/**
	 * Why a backfill is, or is not, ready for the contract step.
	 *
	 * @since 0.3.0
	 */
	public enum Verdict {

		/** Its latest run completed and a verify after it found nothing wrong. */
		READY,

		/** It never ran. */
		NEVER_RUN,

		/** A run is going on (running, paused, or partitions waiting for workers). */
		RUNNING,

		/** Its latest run failed, was stopped or died: a run resumes it. */
		UNFINISHED,

		/** Its latest run was rolled back. */
		ROLLED_BACK,

		/** Its run completed, but no verify ended after it. */
		NOT_VERIFIED,

		/** The verify after its run found discrepancies. */
		DISCREPANCIES

	}

	/**
	 * @return whether the contract step may run
	 */
	public boolean ready() {
		return this.verdict == Verdict.READY;
	}

	/**
	 * Reads the verdict from a backfill's status alone;
	 * {@link BackfillOperator#readiness} also holds the gate for a rollback or a verify
	 * begun after it and not finished.
	 * @param status the backfill's status, from the job repository
	 * @return whether it is ready, and why not
	 */
	public static Readiness of(BackfillStatus status) {
		String name = status.backfill();
		String runIt = "run 'backfill run " + name + "', then 'backfill verify " + name + "'";
		return switch (status.state()) {
			case NEVER_RUN -> new Readiness(name, Verdict.NEVER_RUN, "never run: " + runIt);
			case RUNNING, PAUSED, WAITING -> new Readiness(name, Verdict.RUNNING,
					String.format("%s%s since %s, %.0f%% done: wait for it to complete, then 'backfill verify %s'",
							status.state().name().toLowerCase(),
							(status.owner() != null) ? " on " + status.owner() : "", seconds(status.startedAt()),
							100 * status.fractionDone(), name));
			case FAILED, STOPPED, DEAD -> new Readiness(name, Verdict.UNFINISHED,
					String.format("its latest run is %s%s: 'backfill run %s' resumes it, then 'backfill verify %s'",
							status.state().name(),
							(status.lastKey() != null) ? " after key " + status.lastKey() : " before its first batch",
							name, name));
			// a status never holds NOTHING_TO_ROLL_BACK, only a rollback's result does
			case ROLLED_BACK, NOTHING_TO_ROLL_BACK ->
				new Readiness(name, Verdict.ROLLED_BACK, "rolled back" + at(status.endedAt()) + ": " + runIt);
			case COMPLETED -> verified(status);
		};
	}

	private static Readiness verified(BackfillStatus status) {
		String name = status.backfill();
		Verification verification = status.verification();
		Instant completed = status.endedAt();
		// by the job repository's one sequence of execution ids, not by clocks that
		// processes in other time zones or with other offsets wrote
		Long run = status.jobExecutionId();
		if (verification == null || (run != null && verification.jobExecutionId() < run)) {
			return new Readiness(name, Verdict.NOT_VERIFIED,
					"completed" + at(completed) + " but not verified since: run 'backfill verify " + name + "'");
		}
		if (!verification.passed()) {
			return new Readiness(name, Verdict.DISCREPANCIES, String.format(
					"the verify of %s found %,d %s (first keys: %s), logged in the discrepancy table: mend "
							+ "them, then 'backfill verify %s' again",
					seconds(verification.at()), verification.discrepancies(),
					(verification.discrepancies() == 1) ? "discrepancy" : "discrepancies",
					String.join(", ", verification.firstKeys()), name));
		}
		return new Readiness(name, Verdict.READY, String.format("completed%s, verified %s: %,d keys, no discrepancy",
				at(completed), seconds(verification.at()), verification.keysChecked()));
	}

	private static String at(@Nullable Instant instant) {
		return (instant != null) ? " " + seconds(instant) : "";
	}

	private static @Nullable Instant seconds(@Nullable Instant instant) {
		return (instant != null) ? instant.truncatedTo(ChronoUnit.SECONDS) : null;
	}

}

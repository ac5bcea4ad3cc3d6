package dev.backfill;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A backfill that is done, verified, and past its {@link Removal}: it and the old path it
 * replaced should be removed from the code.
 *
 * @param backfill the backfill name
 * @param completedAt when its run completed
 * @param verifiedAt when the verify that passed ended
 * @param dueAt when removal became due
 * @param what what to remove
 * @since 0.1.0
 */
public record RemovalNotice(String backfill, @Nullable Instant completedAt, Instant verifiedAt, Instant dueAt,
		String what) {

	/**
	 * @return the reminder, in one line
	 */
	public String message() {
		return this.backfill + " finished and verified on " + this.verifiedAt.toString().substring(0, 10) + "; "
				+ this.what + ".";
	}

}

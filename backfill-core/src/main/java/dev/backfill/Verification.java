package dev.backfill;

import java.time.Instant;
import java.util.List;

/**
 * The result of a verify: a read-only pass over the whole key range, in keyset batches,
 * that logs every key still matching the backfill's pending condition and every key its
 * check finds wrong into {@code BACKFILL_DISCREPANCY}.
 *
 * @param backfill the backfill name
 * @param jobExecutionId the verify's last job execution; its discrepancies are logged
 * under it and, for a verify that resumed, under the executions of the same job instance
 * before it
 * @param at when the verify ended
 * @param keysChecked keys the verify went over
 * @param discrepancies discrepancies logged
 * @param firstKeys up to ten of the discrepant keys, in the order found
 * @param checked whether the backfill declares a check; without one, only the pending
 * condition is verified
 * @since 0.1.0
 */
public record Verification(String backfill, long jobExecutionId, Instant at, long keysChecked, long discrepancies,
		List<String> firstKeys, boolean checked) {

	/**
	 * @return whether the verify found nothing wrong
	 */
	public boolean passed() {
		return this.discrepancies == 0;
	}

}

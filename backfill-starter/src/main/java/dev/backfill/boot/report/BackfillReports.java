package dev.backfill.boot.report;

import java.util.List;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.NoSuchBackfillException;

/**
 * Reads the {@link BackfillReport}s of the declared backfills through the operator.
 *
 * @since 0.1.0
 */
public class BackfillReports {

	/** Batches of the batch log a report on one backfill holds. */
	public static final int RECENT_BATCHES = 50;

	private final BackfillOperator operator;

	/**
	 * Creates the reader.
	 * @param operator the operator over the declared backfills
	 */
	public BackfillReports(BackfillOperator operator) {
		this.operator = operator;
	}

	/**
	 * Reports on every backfill, in name order.
	 * @param withBatches whether to read each one's recent batches too
	 * @return the reports
	 */
	public List<BackfillReport> all(boolean withBatches) {
		return this.operator.backfills().stream().map(Backfill::name).map((name) -> report(name, withBatches)).toList();
	}

	/**
	 * Reports on one backfill, with its recent batches.
	 * @param name the backfill name
	 * @return the report
	 * @throws NoSuchBackfillException when no backfill has that name
	 */
	public BackfillReport one(String name) {
		return report(name, true);
	}

	private BackfillReport report(String name, boolean withBatches) {
		// the status first: it rejects an unknown name before the log is read
		return BackfillReport.of(this.operator.status(name),
				withBatches ? this.operator.recentBatches(name, RECENT_BATCHES) : null);
	}

}

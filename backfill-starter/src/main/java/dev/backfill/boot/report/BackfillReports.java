package dev.backfill.boot.report;

import java.util.List;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.NoSuchBackfillException;
import dev.backfill.RunSummary;

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

	/**
	 * The latest executions of a backfill's runs, as {@link BackfillOperator#history}
	 * reads them.
	 * @param name the backfill name
	 * @param limit most executions to return, at least 1
	 * @return the executions, newest first
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @since 0.2.0
	 */
	public List<RunSummary> history(String name, int limit) {
		return this.operator.history(name, limit);
	}

	private BackfillReport report(String name, boolean withBatches) {
		// the status first: it rejects an unknown name before the log is read
		return BackfillReport.of(this.operator.status(name),
				withBatches ? this.operator.recentBatches(name, RECENT_BATCHES) : null, this.operator.readiness(name));
	}

}

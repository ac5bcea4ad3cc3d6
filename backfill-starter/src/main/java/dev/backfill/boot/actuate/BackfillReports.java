package dev.backfill.boot.actuate;

import java.util.List;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.NoSuchBackfillException;
import dev.backfill.jdbc.JdbcBatchLog;

/**
 * Reads the {@link BackfillReport}s of the declared backfills from the job repository and
 * the batch log.
 *
 * @since 0.1.0
 */
public class BackfillReports {

	/** Batches of the batch log a report on one backfill holds. */
	public static final int RECENT_BATCHES = 50;

	private final BackfillOperator operator;

	private final JdbcBatchLog batchLog;

	/**
	 * Creates the reader.
	 * @param operator the operator over the declared backfills
	 * @param batchLog the batch log
	 */
	public BackfillReports(BackfillOperator operator, JdbcBatchLog batchLog) {
		this.operator = operator;
		this.batchLog = batchLog;
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
				withBatches ? this.batchLog.recent(name, RECENT_BATCHES) : null);
	}

}

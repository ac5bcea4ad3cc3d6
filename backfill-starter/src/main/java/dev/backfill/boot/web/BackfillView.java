package dev.backfill.boot.web;

import java.util.List;

import dev.backfill.RunSummary;
import dev.backfill.boot.report.BackfillReport;

/**
 * What the status page read of one backfill for one request.
 *
 * @param report its report, with its recent batches
 * @param history the latest executions of its runs, newest first
 */
record BackfillView(BackfillReport report, List<RunSummary> history) {

	BackfillView {
		history = List.copyOf(history);
	}

	String name() {
		return this.report.name();
	}

}

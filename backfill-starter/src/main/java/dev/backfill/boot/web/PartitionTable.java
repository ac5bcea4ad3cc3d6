package dev.backfill.boot.web;

import java.util.List;

import dev.backfill.boot.report.BackfillReport.PartitionSummary;
import dev.backfill.boot.report.Formats;

import static dev.backfill.boot.web.BackfillStatusPage.escape;
import static dev.backfill.boot.web.BackfillStatusPage.number;

/**
 * A table of the partitions of a run split into partitions, for such a run only: number,
 * range, state, rows done of the estimated total, a small progress bar with the share
 * done, rows per second, last key and worker.
 */
final class PartitionTable implements Section {

	@Override
	public void render(StringBuilder html, BackfillView backfill, PageContext page) {
		List<PartitionSummary> partitions = backfill.report().partitions();
		if (partitions == null || partitions.isEmpty()) {
			return;
		}
		html.append("<table class=\"partitions\"><caption>")
			.append(escape(Formats.partitionCounts(partitions)))
			.append("</caption>\n<tr><th>#</th><th>Range</th><th>State</th><th>Rows done / total</th><th>Done</th>")
			.append("<th>Rows/s</th><th>Last key</th><th>Worker</th></tr>\n");
		for (PartitionSummary p : partitions) {
			String percent = number("%.1f", p.percentDone());
			html.append("<tr><td class=\"number\">")
				.append(p.partition())
				.append("</td><td>")
				.append(escape(p.range()))
				.append("</td><td>")
				.append(escape(p.state()))
				.append("</td><td class=\"number\">")
				.append(number("%,d", p.rowsDone()))
				.append(" / ")
				// the total is an estimate while rows remain
				.append((p.rowsRemainingEstimate() > 0) ? "~" : "")
				.append(number("%,d", p.rowsDone() + p.rowsRemainingEstimate()))
				.append("</td><td><span class=\"partition-bar\" role=\"progressbar\" aria-valuenow=\"")
				.append(percent)
				.append("\" aria-valuemin=\"0\" aria-valuemax=\"100\"><span style=\"width: ")
				.append(percent)
				.append("%\"></span></span> ")
				.append(percent)
				.append("%</td><td class=\"number\">")
				.append(number("%,.0f", p.rowsPerSecond()))
				.append("</td><td>")
				.append((p.lastKey() != null) ? escape(p.lastKey()) : "&ndash;")
				.append("</td><td>")
				.append((p.worker() != null) ? escape(p.worker()) : "&ndash;")
				.append("</td></tr>\n");
		}
		html.append("</table>\n");
	}

}

package dev.backfill.boot.web;

import java.util.Locale;

import dev.backfill.RunSummary;
import dev.backfill.boot.report.Formats;

import static dev.backfill.boot.web.BackfillStatusPage.escape;
import static dev.backfill.boot.web.BackfillStatusPage.number;

/**
 * A table of the latest executions of a backfill's runs: run, started, ended, duration,
 * outcome, rows.
 */
final class RunHistory implements Section {

	@Override
	public void render(StringBuilder html, BackfillView backfill, PageContext page) {
		if (backfill.history().isEmpty()) {
			html.append("<p class=\"muted\">No run yet.</p>\n");
			return;
		}
		html.append("<table class=\"history\"><caption>Latest executions of its runs (a resumed run is one more)")
			.append("</caption>\n<tr><th>Run</th><th>Execution</th><th>Started</th><th>Ended</th><th>Duration</th>")
			.append("<th>State</th><th>Rows</th></tr>\n");
		for (RunSummary run : backfill.history()) {
			html.append("<tr><td>")
				.append(run.jobInstanceId())
				.append("</td><td>")
				.append(run.jobExecutionId())
				.append("</td><td>")
				.append((run.startedAt() != null) ? Summary.when(run.startedAt(), page) : "&ndash;")
				.append("</td><td>")
				.append((run.endedAt() != null) ? Formats.clock(Locale.ROOT, run.endedAt(), page.now(), page.zone())
						: "&ndash;")
				.append("</td><td>")
				.append(Formats.span(Locale.ROOT, run.duration(page.now()).toMillis() / 1000.0))
				.append("</td><td");
			if (run.exitMessage() != null) {
				html.append(" title=\"").append(escape(run.exitMessage())).append("\"");
			}
			html.append(">")
				.append(escape(run.state()))
				.append(run.rolledBack() ? ", rolled back" : "")
				.append("</td><td class=\"number\">")
				.append(number("%,d", run.rows()))
				.append("</td></tr>\n");
		}
		html.append("</table>\n");
	}

}

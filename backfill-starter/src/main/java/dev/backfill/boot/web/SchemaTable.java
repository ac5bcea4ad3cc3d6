package dev.backfill.boot.web;

import java.util.List;

import dev.backfill.boot.report.BackfillReport;

import static dev.backfill.boot.web.BackfillStatusPage.escape;
import static dev.backfill.boot.web.BackfillStatusPage.number;

/**
 * A table of the schemas of a declaration over schemas, for such a declaration only: each
 * schema's walk, its state, rows done of the estimated total, the share done, rows per
 * second and last key.
 */
final class SchemaTable implements Section {

	@Override
	public void render(StringBuilder html, BackfillView backfill, PageContext page) {
		List<BackfillReport> schemas = backfill.report().schemas();
		if (schemas == null || schemas.isEmpty()) {
			return;
		}
		html.append("<table class=\"partitions\"><caption>")
			.append(number("%,d", schemas.size()))
			.append((schemas.size() == 1) ? " schema" : " schemas")
			.append(", walked one after another</caption>\n<tr><th>Schema's walk</th><th>State</th>")
			.append("<th>Rows done / total</th><th>Done</th><th>Rows/s</th><th>Last key</th></tr>\n");
		for (BackfillReport s : schemas) {
			html.append("<tr><td>")
				.append(escape(s.name()))
				.append("</td><td>")
				.append(escape(s.state()))
				.append("</td><td class=\"number\">")
				.append(number("%,d", s.rowsDone()))
				.append(" / ")
				.append((s.rowsRemainingEstimate() > 0) ? "~" : "")
				.append(number("%,d", s.rowsDone() + s.rowsRemainingEstimate()))
				.append("</td><td class=\"number\">")
				.append(number("%.1f", s.percentDone()))
				.append("%</td><td class=\"number\">")
				.append(number("%,.0f", s.rowsPerSecond()))
				.append("</td><td>")
				.append((s.lastKey() != null) ? escape(s.lastKey()) : "&ndash;")
				.append("</td></tr>\n");
		}
		html.append("</table>\n");
	}

}

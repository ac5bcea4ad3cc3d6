package dev.backfill.boot.web;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import dev.backfill.BatchSummary;

import static dev.backfill.boot.web.BackfillStatusPage.escape;
import static dev.backfill.boot.web.BackfillStatusPage.number;

/**
 * An inline SVG line chart of recent batch durations over the time each batch started.
 */
final class BatchChart {

	private static final int WIDTH = 600;

	private static final int HEIGHT = 90;

	// room for the stroke at the edges
	private static final int PAD = 3;

	private BatchChart() {
	}

	static String svg(List<BatchSummary> batches) {
		if (batches.isEmpty()) {
			return "<p class=\"muted\">No batch committed yet.</p>\n";
		}
		Instant first = batches.get(0).startedAt();
		Instant last = batches.get(batches.size() - 1).startedAt();
		double span = Math.max(1, Duration.between(first, last).toMillis());
		long longest = Math.max(1, batches.stream().mapToLong(BatchSummary::durationMs).max().orElse(1));
		StringBuilder points = new StringBuilder();
		StringBuilder dots = new StringBuilder();
		for (int i = 0; i < batches.size(); i++) {
			BatchSummary batch = batches.get(i);
			// one batch, or all in the same millisecond: spread them by order instead
			double share = (first.equals(last)) ? (batches.size() == 1 ? 0.5 : (double) i / (batches.size() - 1))
					: Duration.between(first, batch.startedAt()).toMillis() / span;
			double x = PAD + share * (WIDTH - 2 * PAD);
			double y = HEIGHT - PAD - (double) batch.durationMs() / longest * (HEIGHT - 2 * PAD);
			points.append(number("%.1f,%.1f ", x, y));
			dots.append(number("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#e8590c\"/>", x, y));
		}
		return """
				<svg width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="Batch durations">\
				<rect x="0" y="0" width="%d" height="%d" fill="#f8f9fa" stroke="#ced4da"/>\
				<polyline points="%s" fill="none" stroke="#e8590c" stroke-width="1.5"/>%s</svg>
				<p class="muted">Duration of the last %d batches: up to %s ms, %s to %s.</p>
				""".formatted(WIDTH, HEIGHT, WIDTH, HEIGHT, WIDTH, HEIGHT, points.toString().strip(), dots,
				batches.size(), number("%,d", longest), escape(first.truncatedTo(ChronoUnit.SECONDS)),
				escape(last.truncatedTo(ChronoUnit.SECONDS)));
	}

}

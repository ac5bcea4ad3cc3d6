package dev.backfill.boot.web;

import java.util.List;
import java.util.Locale;

import dev.backfill.BatchSummary;
import dev.backfill.boot.report.Formats;

import static dev.backfill.boot.web.BackfillStatusPage.number;

/**
 * An inline SVG bar chart of the rate of each recent batch, its rows over the time its
 * work took, oldest on the left: rows/s on the y axis, the batch on the x axis, each with
 * ticks. No script: the browser draws it as it is.
 */
final class BatchChart implements Section {

	private static final int WIDTH = 640;

	private static final int HEIGHT = 220;

	// the plot's edges: room on the left for the rate's ticks, below for the batches'
	private static final int LEFT = 72;

	private static final int RIGHT = WIDTH - 12;

	private static final int TOP = 12;

	private static final int BOTTOM = HEIGHT - 44;

	private static final String AXIS = "#495057";

	private static final String BAR = "#e8590c";

	@Override
	public void render(StringBuilder html, BackfillView backfill, PageContext page) {
		List<BatchSummary> batches = (backfill.report().recentBatches() != null) ? backfill.report().recentBatches()
				: List.of();
		if (batches.isEmpty()) {
			html.append("<p class=\"muted\">No batch committed yet.</p>\n");
			return;
		}
		double fastest = batches.stream().mapToDouble(BatchChart::rate).max().orElse(0);
		double step = step(fastest);
		double top = Math.max(step, Math.ceil(fastest / step) * step);
		html.append(number(
				"<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
						+ "aria-label=\"Rows per second of the last %d batches\" font-size=\"11\" fill=\"%s\">",
				WIDTH, HEIGHT, WIDTH, HEIGHT, batches.size(), AXIS));
		yAxis(html, step, top);
		bars(html, batches, top);
		xAxis(html, batches);
		html.append("</svg>\n<p class=\"muted\">Rows per second of each of the last ")
			.append(batches.size())
			.append(" batches (its rows over the time its work took), ")
			.append(Formats.clock(Locale.ROOT, batches.get(0).startedAt(), page.now(), page.zone()))
			.append(" to ")
			.append(Formats.clock(Locale.ROOT, batches.get(batches.size() - 1).startedAt(), page.now(), page.zone()))
			.append(".</p>\n");
	}

	static double rate(BatchSummary batch) {
		return batch.rows() * 1000.0 / Math.max(1, batch.durationMs());
	}

	// 1, 2 or 5 times a power of ten, so that about four ticks span the fastest batch
	static double step(double fastest) {
		if (fastest <= 0) {
			return 1;
		}
		double magnitude = Math.pow(10, Math.floor(Math.log10(fastest / 4)));
		for (double multiple : new double[] { 1, 2, 5 }) {
			if (multiple * magnitude * 4 >= fastest) {
				return multiple * magnitude;
			}
		}
		return 10 * magnitude;
	}

	private static void yAxis(StringBuilder html, double step, double top) {
		int decimals = (step >= 1) ? 0 : (int) Math.ceil(-Math.log10(step));
		html.append("<g class=\"y-axis\">");
		for (int i = 0; i * step <= top * (1 + 1e-9); i++) {
			double y = y(i * step, top);
			html.append(
					number("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e9ecef\"/>", LEFT, RIGHT, y, y))
				.append(number("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", LEFT - 5, LEFT, y,
						y, AXIS))
				.append(number(
						"<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%,." + decimals + "f</text>",
						LEFT - 8, y + 4, i * step));
		}
		html.append(
				number("<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\"/>", LEFT, LEFT, TOP, BOTTOM, AXIS))
			.append(number("<text class=\"title\" transform=\"translate(14 %d) rotate(-90)\" "
					+ "text-anchor=\"middle\">rows/s</text></g>", (TOP + BOTTOM) / 2));
	}

	private static void bars(StringBuilder html, List<BatchSummary> batches, double top) {
		double slot = (double) (RIGHT - LEFT) / batches.size();
		html.append("<g class=\"bars\">");
		for (int i = 0; i < batches.size(); i++) {
			BatchSummary batch = batches.get(i);
			double y = y(rate(batch), top);
			html.append(number("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">",
					x(i, slot) - slot * 0.4, y, Math.max(1, slot * 0.8), BOTTOM - y, BAR))
				.append(number("<title>batch %d: %,d rows in %,d ms, %,.0f rows/s</title></rect>", batch.batchNo(),
						batch.rows(), batch.durationMs(), rate(batch)));
		}
		html.append("</g>");
	}

	// a tick every 1, 2, 5, 10, ... batches, at most about eight, each named by its
	// batch's number
	private static void xAxis(StringBuilder html, List<BatchSummary> batches) {
		double slot = (double) (RIGHT - LEFT) / batches.size();
		int every = 1;
		for (int k = 1; batches.size() > 8 * every; k++) {
			every = new int[] { 1, 2, 5 }[k % 3] * (int) Math.pow(10, k / 3);
		}
		html.append("<g class=\"x-axis\">")
			.append(number("<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\"/>", LEFT, RIGHT, BOTTOM, BOTTOM,
					AXIS));
		for (int i = 0; i < batches.size(); i += every) {
			double x = x(i, slot);
			html.append(number("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\"/>", x, x, BOTTOM,
					BOTTOM + 5, AXIS))
				.append(number("<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>", x,
						BOTTOM + 18, batches.get(i).batchNo()));
		}
		html.append(number("<text class=\"title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">batch number "
				+ "(oldest to newest)</text></g>", (LEFT + RIGHT) / 2, HEIGHT - 6));
	}

	private static double x(int index, double slot) {
		return LEFT + slot * (index + 0.5);
	}

	private static double y(double rate, double top) {
		return BOTTOM - rate / top * (BOTTOM - TOP);
	}

}

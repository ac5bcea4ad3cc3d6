package dev.backfill.boot.cli;

import java.util.ArrayList;
import java.util.List;

import dev.backfill.boot.report.BackfillReport.PartitionSummary;

/**
 * The partitions of a run split into partitions as {@code backfill status NAME} prints
 * them: one line each, aligned, under a line of headings.
 */
final class PartitionLines {

	private static final String[] HEADINGS = { "#", "RANGE", "STATE", "ROWS DONE / TOTAL", "DONE", "ROWS/S", "LAST KEY",
			"WORKER" };

	// numbers to the right, words to the left
	private static final boolean[] RIGHT = { true, false, false, true, true, true, false, false };

	private PartitionLines() {
	}

	/**
	 * @param partitions the run's partitions, in key order
	 * @param indent what each line starts with
	 * @return the lines of headings and of each partition, without line ends
	 */
	static List<String> of(List<PartitionSummary> partitions, String indent) {
		List<String[]> rows = new ArrayList<>();
		rows.add(HEADINGS);
		for (PartitionSummary p : partitions) {
			// the total is an estimate while rows remain
			String total = String.format((p.rowsRemainingEstimate() > 0) ? "~%,d" : "%,d",
					p.rowsDone() + p.rowsRemainingEstimate());
			rows.add(new String[] { String.valueOf(p.partition()), p.range(), p.state(),
					String.format("%,d / %s", p.rowsDone(), total), String.format("%.1f%%", p.percentDone()),
					String.format("%,.0f", p.rowsPerSecond()), (p.lastKey() != null) ? p.lastKey() : "-",
					(p.worker() != null) ? p.worker() : "-" });
		}
		int[] widths = new int[HEADINGS.length];
		for (String[] row : rows) {
			for (int i = 0; i < row.length; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		List<String> lines = new ArrayList<>();
		for (String[] row : rows) {
			StringBuilder line = new StringBuilder(indent);
			for (int i = 0; i < row.length; i++) {
				String pad = " ".repeat(widths[i] - row[i].length());
				line.append((i > 0) ? "  " : "").append(RIGHT[i] ? pad + row[i] : row[i] + pad);
			}
			lines.add(line.toString().stripTrailing());
		}
		return lines;
	}

}

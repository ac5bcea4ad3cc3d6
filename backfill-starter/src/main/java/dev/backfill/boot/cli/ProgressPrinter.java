package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.time.Duration;

import dev.backfill.Progress;
import dev.backfill.ProgressListener;
import dev.backfill.boot.report.Formats;

/**
 * Shows a run's progress: one line rewritten in place on a terminal, otherwise a line
 * every interval (for logs).
 */
final class ProgressPrinter implements ProgressListener {

	private static final long TERMINAL_REFRESH_NANOS = 200_000_000L;

	private final PrintStream out;

	private final boolean terminal;

	private final long intervalNanos;

	private long lastPrint;

	private boolean printed;

	private int width;

	ProgressPrinter(PrintStream out, boolean terminal, Duration interval) {
		this.out = out;
		this.terminal = terminal;
		this.intervalNanos = terminal ? TERMINAL_REFRESH_NANOS : interval.toNanos();
	}

	@Override
	public void onBatch(Progress progress) {
		long now = System.nanoTime();
		if (this.printed && now - this.lastPrint < this.intervalNanos) {
			return;
		}
		this.lastPrint = now;
		this.printed = true;
		String line = line(progress);
		if (this.terminal) {
			this.out.print("\r" + line + " ".repeat(Math.max(0, this.width - line.length())));
			this.width = line.length();
		}
		else {
			this.out.println(line);
		}
		this.out.flush();
	}

	/** Ends the live line, so what follows starts on a line of its own. */
	void finish() {
		if (this.terminal && this.printed) {
			this.out.println();
		}
	}

	static String line(Progress p) {
		long total = p.rowsDone() + p.rowsRemainingEstimate();
		return String.format("%s  %,d/%,d rows  %5.1f%%  %,.0f rows/s  ETA %s  batch %,d", p.backfill(), p.rowsDone(),
				total, p.fractionDone() * 100, p.rowsPerSecond(), Formats.duration(p.etaSeconds()), p.batchNo());
	}

}

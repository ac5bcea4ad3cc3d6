package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillStatus;
import dev.backfill.Estimate;
import dev.backfill.Verification;
import dev.backfill.boot.report.BackfillReport.PartitionSummary;
import dev.backfill.boot.report.BackfillReports;
import dev.backfill.boot.report.Formats;
import dev.backfill.boot.report.ReportJson;

/**
 * {@code backfill status [NAME] [--json]}: progress, rate and ETA of the latest runs, and
 * the latest dry-run's estimate with its error once the run completed, read from the job
 * repository, so it works from any process and for a run whose process died. A run split
 * into partitions has a line counting them by state and, for one backfill, a line for
 * each ({@link PartitionLines}). With {@code --json}, the endpoint's view of the
 * backfills ({@link BackfillReports}): of one with its recent batches, or of all, in name
 * order, without them.
 */
final class StatusCommand implements BackfillCommand {

	private final BackfillOperator operator;

	StatusCommand(BackfillOperator operator) {
		this.operator = operator;
	}

	@Override
	public String name() {
		return "status";
	}

	@Override
	public String usage() {
		return "status [NAME] [--json]       progress, rate and ETA from the job repository";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("json"));
		if (line.arguments().size() > 1) {
			throw new UsageException("'backfill status' takes at most one backfill name.");
		}
		if (line.flag("json")) {
			BackfillReports reports = new BackfillReports(this.operator);
			out.println(ReportJson
				.write(line.arguments().isEmpty() ? reports.all(false) : reports.one(line.arguments().get(0))));
			return OK;
		}
		List<BackfillStatus> statuses = line.arguments().isEmpty()
				? this.operator.backfills().stream().map(Backfill::name).map(this.operator::status).toList()
				: List.of(this.operator.status(line.arguments().get(0)));
		out.printf("%-28s %-10s %14s %14s %8s %12s %9s  %s%n", "NAME", "STATE", "ROWS DONE", "REMAINING", "DONE",
				"ROWS/S", "ETA", "LAST KEY");
		for (BackfillStatus s : statuses) {
			out.printf("%-28s %-10s %,14d %,14d %7.1f%% %,12.0f %9s  %s%n", s.backfill(), s.state(), s.rowsDone(),
					s.rowsRemainingEstimate(), 100 * s.fractionDone(), s.rowsPerSecond(),
					Formats.duration(s.etaSeconds()), (s.lastKey() != null) ? s.lastKey() : "-");
			if (s.throttledSeconds() >= 1) {
				out.printf("  held by throttles for %s, left out of its rows/s%n",
						Formats.seconds(s.throttledSeconds()));
			}
			if (s.estimate() != null) {
				out.println("  " + estimateLine(s));
			}
			if (s.verification() != null) {
				Verification v = s.verification();
				out.printf("  verify %s: %,d keys checked, %s%n", v.at().truncatedTo(ChronoUnit.SECONDS),
						v.keysChecked(),
						v.passed() ? "no discrepancy" : String.format("%,d discrepancies (first keys %s)",
								v.discrepancies(), String.join(", ", v.firstKeys())));
			}
			if (s.owner() != null) {
				out.printf("  %s by %s%s%n", switch (s.state()) {
					case RUNNING -> "running";
					case PAUSED -> "paused ('backfill resume " + s.backfill() + "' lets it go on), running";
					case DEAD -> "process died: 'backfill run " + s.backfill() + "' resumes it;";
					case ROLLED_BACK -> "rolled back; 'backfill run " + s.backfill() + "' starts again; last run";
					default -> "last run";
				}, s.owner(), (s.exitMessage() != null) ? ": " + s.exitMessage() : "");
			}
			if (!s.schemas().isEmpty()) {
				out.printf("  over %,d schemas, one by one:%n", s.schemas().size());
				for (BackfillStatus schema : s.schemas()) {
					out.printf("  %-26s %-10s %,14d %,14d %7.1f%% %,12.0f %9s  %s%n", schema.backfill(), schema.state(),
							schema.rowsDone(), schema.rowsRemainingEstimate(), 100 * schema.fractionDone(),
							schema.rowsPerSecond(), Formats.duration(schema.etaSeconds()),
							(schema.lastKey() != null) ? schema.lastKey() : "-");
				}
			}
			if (!s.partitions().isEmpty()) {
				List<PartitionSummary> partitions = s.partitions().stream().map(PartitionSummary::of).toList();
				out.println("  " + Formats.partitionCounts(partitions));
				if (!line.arguments().isEmpty()) {
					PartitionLines.of(partitions, "  ").forEach(out::println);
				}
			}
		}
		return OK;
	}

	static String estimateLine(BackfillStatus s) {
		Estimate e = s.estimate();
		String line = String.format("dry-run %s: ~%s (%s to %s) at batch size %s%,d, longest batch %,d ms, %s",
				e.at().truncatedTo(ChronoUnit.SECONDS), Formats.seconds(e.estimatedSeconds()),
				Formats.seconds(e.estimatedSecondsLow()), Formats.seconds(e.estimatedSecondsHigh()),
				e.adaptive() ? "~" : "", e.batchSize(), e.maxBatchMillis(), (e.idempotent() == null)
						? "idempotency not checked" : e.idempotent() ? "idempotent" : "NOT IDEMPOTENT");
		if (s.estimateError() != null) {
			String held = (s.throttledSeconds() > 0)
					? String.format(" besides %s held by throttles", Formats.seconds(s.throttledSeconds())) : "";
			line += String.format("; the run took %s%s at batch size %,d: estimate %+.0f%%",
					Formats.seconds(s.runSeconds() - s.throttledSeconds()), held, s.batchSize(),
					100 * s.estimateError());
		}
		return line;
	}

}

package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.backfill.BackfillOperator;
import dev.backfill.CannotEstimateException;
import dev.backfill.DryRunOptions;
import dev.backfill.Estimate;
import dev.backfill.KeyRange;
import dev.backfill.boot.report.Formats;
import dev.backfill.boot.report.ReportJson;

/**
 * {@code backfill dry-run NAME [--sample-batches=N] [--batch-size=N] [--parallelism=N] [--json]}:
 * estimates a run from sample batches applied and rolled back. Exits 0 with an estimate,
 * 4 when the backfill is not idempotent, 1 when the dry-run failed, 2 when no estimate
 * can be made here (unknown name, bad option, empty table, sample larger than the table),
 * 3 when the backfill is running.
 */
final class DryRunCommand implements BackfillCommand {

	private final BackfillOperator operator;

	private final Supplier<DryRunOptions> defaults;

	DryRunCommand(BackfillOperator operator, Supplier<DryRunOptions> defaults) {
		this.operator = operator;
		this.defaults = defaults;
	}

	@Override
	public String name() {
		return "dry-run";
	}

	@Override
	public String usage() {
		return "dry-run NAME [--sample-batches=N] [--batch-size=N] [--parallelism=N] [--json]\n"
				+ "                               estimate runtime, lock time and WAL; check idempotency; "
				+ "commit nothing";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("sample-batches", "batch-size", "parallelism", "json"));
		String name = line.backfillName();
		DryRunOptions options;
		try {
			options = this.defaults.get();
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException("backfill.dry-run.* is not valid: " + ex.getMessage() + ".");
		}
		options = options.withBatchSize(line.positiveInt("batch-size"))
			.withSampleBatches(line.positiveInt("sample-batches"))
			.withParallelism(RunCommand.parallelism(line));
		Estimate estimate;
		try {
			estimate = this.operator.dryRun(name, options);
		}
		catch (CannotEstimateException ex) {
			throw new UsageException(ex.getMessage());
		}
		if (line.flag("json")) {
			out.println(ReportJson.write(json(estimate)));
		}
		else {
			print(estimate, out);
		}
		return Boolean.FALSE.equals(estimate.idempotent()) ? NOT_IDEMPOTENT : OK;
	}

	private static void print(Estimate e, PrintStream out) {
		long sampledKeys = e.samples().stream().mapToLong(Estimate.Sample::keys).sum();
		out.printf(
				"Dry-run of %s at batch size %s%,d: sampled %d batches (%,d keys, %.2f%% of the table) in %.1f s; "
						+ "nothing was committed.%n%n",
				e.backfill(), e.adaptive() ? "~" : "", e.batchSize(), e.sampledBatches(), sampledKeys,
				100.0 * sampledKeys / Math.max(1, e.keysEstimate()), e.elapsedSeconds());
		out.printf("  rows to change   ~%,d%n", e.rowsEstimate());
		out.printf("                   (%s)%n", e.rowsEstimatedBy());
		out.printf("  batches          %,d of %s%,d keys (~%,d keys in all)%s%n", e.batches(), e.adaptive() ? "~" : "",
				e.batchSize(), e.keysEstimate(),
				e.adaptive() ? String.format(
						"; the run adapts its batches toward "
								+ "its target duration, so this is the size they settle at (sampled at %,d keys)",
						e.samples().isEmpty() ? 0 : e.samples().get(0).keys()) : "");
		out.printf(
				"  wall time        ~%s (%s to %s: every batch as fast as the sample's 10th percentile, or as slow "
						+ "as its 90th), ~%,.0f rows/s%n",
				Formats.seconds(e.estimatedSeconds()), Formats.seconds(e.estimatedSecondsLow()),
				Formats.seconds(e.estimatedSecondsHigh()), e.rowsPerSecond());
		if (!e.timeEstimatedBy().isEmpty()) {
			out.printf("                   (%s)%n", e.timeEstimatedBy());
		}
		if (e.parallelism() > 1) {
			out.printf(
					"  in %d partitions ~%s: %d sampled batches ran %.1fx as fast side by side as one after "
							+ "the other (rolled back)%n",
					e.parallelism(), Formats.seconds(e.estimatedSecondsInParallel()),
					Math.min(e.parallelism(), Math.min(8, e.sampledBatches())), e.parallelSpeedup());
		}
		out.printf("  longest batch    %,d ms holding its row locks%s%n", e.maxBatchMillis(),
				(e.suggestedBatchSize() > 0) ? "  OVER 1 s: use --batch-size=" + e.suggestedBatchSize()
						: " (under 1 s)");
		out.printf("  WAL              %s per batch, ~%s in all%n", Formats.bytes(e.walBytesPerBatch()),
				Formats.bytes(e.walBytesEstimate()));
		out.printf("  rows per batch   %,.0f%n", e.rowsPerBatch());
		out.printf("  idempotent       %s%n%n", idempotency(e));
		out.printf("  %-24s %-24s %8s %8s %9s %9s %10s%n", "FROM (exclusive)", "TO", "KEYS", "ROWS", "MS", "LOCK MS",
				"WAL");
		for (Estimate.Sample s : e.samples()) {
			out.printf("  %-24s %-24s %,8d %,8d %9.1f %9.1f %10s%n", abbreviate(s.range().from()),
					abbreviate(s.range().to()), s.keys(), s.rows(), s.millis(), s.transactionMillis(),
					Formats.bytes(s.walBytes()));
		}
		out.printf(
				"%nThe dry-run's writes (samples, warm-up, idempotency check) were rolled back; they still wrote %s "
						+ "of WAL and left ~%,d dead tuples for autovacuum.%n",
				Formats.bytes(e.sampleWalBytes()), e.sampleRows());
		for (String warning : e.warnings()) {
			out.println("! " + warning);
		}
		out.printf("Recorded as job execution %d (%s:dry-run); 'backfill status %s' shows it.%n", e.jobExecutionId(),
				e.backfill(), e.backfill());
	}

	private static String idempotency(Estimate e) {
		if (e.idempotent() == null) {
			return "not checked: no sampled batch had a pending row";
		}
		if (!e.idempotent()) {
			return "NO: batch " + e.idempotencyRange() + " applied twice changed its rows again";
		}
		return "yes: batch " + e.idempotencyRange() + " applied twice changed nothing the second time"
				+ ((e.rewrittenRows() > 0) ? String.format(" (but rewrote %,d rows)", e.rewrittenRows()) : "");
	}

	private static Map<String, Object> json(Estimate e) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("name", e.backfill());
		map.put("jobExecutionId", e.jobExecutionId());
		map.put("at", e.at().toString());
		map.put("batchSize", e.batchSize());
		map.put("adaptive", e.adaptive());
		map.put("keysEstimate", e.keysEstimate());
		map.put("rowsEstimate", e.rowsEstimate());
		map.put("rowsEstimatedBy", e.rowsEstimatedBy());
		map.put("batches", e.batches());
		map.put("estimatedSeconds", Formats.thousandths(e.estimatedSeconds()));
		map.put("timeEstimatedBy", e.timeEstimatedBy());
		if (e.parallelism() > 1) {
			map.put("parallelism", e.parallelism());
			map.put("parallelSpeedup", Formats.thousandths(e.parallelSpeedup()));
			map.put("estimatedSecondsInParallel", Formats.thousandths(e.estimatedSecondsInParallel()));
		}
		map.put("estimatedSecondsLow", Formats.thousandths(e.estimatedSecondsLow()));
		map.put("estimatedSecondsHigh", Formats.thousandths(e.estimatedSecondsHigh()));
		map.put("rowsPerSecond", Math.round(e.rowsPerSecond()));
		map.put("maxBatchMillis", e.maxBatchMillis());
		map.put("suggestedBatchSize", (e.suggestedBatchSize() > 0) ? e.suggestedBatchSize() : null);
		map.put("walBytesPerBatch", e.walBytesPerBatch());
		map.put("walBytesEstimate", e.walBytesEstimate());
		map.put("rowsPerBatch", Formats.thousandths(e.rowsPerBatch()));
		map.put("idempotent", e.idempotent());
		map.put("idempotencyRange", (e.idempotencyRange() != null) ? range(e.idempotencyRange()) : null);
		map.put("rewrittenRows", e.rewrittenRows());
		map.put("sampledBatches", e.sampledBatches());
		map.put("sampleRows", e.sampleRows());
		map.put("sampleWalBytes", e.sampleWalBytes());
		if (!e.samples().isEmpty()) {
			map.put("samples", e.samples().stream().map(DryRunCommand::json).toList());
		}
		map.put("warnings", e.warnings());
		map.put("elapsedSeconds", Formats.thousandths(e.elapsedSeconds()));
		return map;
	}

	private static Map<String, Object> json(Estimate.Sample s) {
		Map<String, Object> map = range(s.range());
		map.put("keys", s.keys());
		map.put("rows", s.rows());
		map.put("millis", Formats.thousandths(s.millis()));
		map.put("transactionMillis", Formats.thousandths(s.transactionMillis()));
		map.put("walBytes", s.walBytes());
		return map;
	}

	private static Map<String, Object> range(KeyRange range) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("from", range.from().toString());
		map.put("fromIncluded", range.fromIncluded());
		map.put("to", range.to().toString());
		return map;
	}

	private static String abbreviate(Object key) {
		String text = key.toString();
		return (text.length() <= 24) ? text : text.substring(0, 21) + "...";
	}

}

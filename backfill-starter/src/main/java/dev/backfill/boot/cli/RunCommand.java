package dev.backfill.boot.cli;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillState;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.boot.report.Formats;
import dev.backfill.boot.report.ReportJson;
import org.jspecify.annotations.Nullable;

/**
 * {@code backfill run NAME [--batch-size=N] [--json]}: runs a backfill, or resumes its
 * unfinished run, with live progress; with {@code --json}, without progress and with the
 * result as JSON ({@link #json}).
 */
final class RunCommand implements BackfillCommand {

	private final BackfillOperator operator;

	private final Duration progressInterval;

	RunCommand(BackfillOperator operator, Duration progressInterval) {
		this.operator = operator;
		this.progressInterval = progressInterval;
	}

	@Override
	public String name() {
		return "run";
	}

	@Override
	public String usage() {
		return "run NAME [--batch-size=N] [--parallelism=N] [--remote] [--json]\n"
				+ "                               run a backfill, or resume it from its checkpoint;\n"
				+ "                               --parallelism splits a new run into N partitions,\n"
				+ "                               --remote hands them to 'backfill worker' processes";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("batch-size", "parallelism", "remote", "json"));
		String name = line.backfillName();
		int batchSize = line.positiveInt("batch-size");
		RunOptions options = new RunOptions(batchSize, parallelism(line), line.flag("remote"));
		if (line.flag("json")) {
			BackfillResult result = this.operator.run(name, options, ProgressListener.NONE);
			out.println(ReportJson.write(json(result, this.operator.status(name).lastKey())));
			return exitCode(result);
		}
		ProgressPrinter printer = new ProgressPrinter(out, isTerminal(), this.progressInterval);
		BackfillResult result;
		try {
			result = this.operator.run(name, options, printer);
		}
		finally {
			printer.finish();
		}
		out.printf("%s %s%s: %,d rows in %,d batches, %s wall time, %,.0f rows/s (run total %,d rows)%n", name,
				result.state().name().toLowerCase(), result.resumed() ? " (resumed from its checkpoint)" : "",
				result.rows(), result.batches(), Formats.wallTime(result.wallTime()), result.rowsPerSecond(),
				result.rowsDone());
		if (result.state() == BackfillState.COMPLETED) {
			return OK;
		}
		if (result.state() == BackfillState.STOPPED) {
			out.printf("%s stopped %s; 'backfill run %s' resumes it.%n", name,
					where(this.operator.status(name).lastKey()), name);
			return STOPPED;
		}
		out.printf("%s failed: %s%nFix the cause and run 'backfill run %s' again: it resumes %s.%n", name,
				result.failure(), name, resumes(this.operator.status(name).lastKey()));
		return FAILED;
	}

	// a run that committed no batch has no checkpoint: it starts again from the first key
	private static String where(@Nullable String lastKey) {
		return (lastKey != null) ? "after key " + lastKey : "before its first batch";
	}

	private static String resumes(@Nullable String lastKey) {
		return (lastKey != null) ? "after key " + lastKey : "from the first key";
	}

	// the partitions a new run or rollback is split into, 0 when not given
	static int parallelism(CommandLine line) {
		int parallelism = line.positiveInt("parallelism");
		if (parallelism > Backfill.MAX_PARALLELISM) {
			throw new UsageException("--parallelism=" + parallelism + " is not valid: give at most "
					+ Backfill.MAX_PARALLELISM + " partitions, such as --parallelism=8.");
		}
		return parallelism;
	}

	static int exitCode(BackfillResult result) {
		return switch (result.state()) {
			case COMPLETED, NOTHING_TO_ROLL_BACK -> OK;
			case STOPPED -> STOPPED;
			default -> FAILED;
		};
	}

	/**
	 * A run or rollback as {@code --json} gives it.
	 * @param result how it ended
	 * @param lastKey the checkpoint it left, or {@code null}
	 * @return its fields, by name
	 */
	static Map<String, Object> json(BackfillResult result, @Nullable String lastKey) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("name", result.backfill());
		map.put("state", result.state().name());
		map.put("jobExecutionId", result.jobExecutionId());
		map.put("resumed", result.resumed());
		map.put("rows", result.rows());
		map.put("batches", result.batches());
		map.put("rowsDone", result.rowsDone());
		map.put("wallSeconds", Formats.thousandths(result.wallTime().toMillis() / 1000.0));
		map.put("rowsPerSecond", Formats.tenths(result.rowsPerSecond()));
		map.put("lastKey", lastKey);
		map.put("failure", result.failure());
		return map;
	}

	// Java 22+ has Console.isTerminal(); before it, a console exists only on a terminal
	static boolean isTerminal() {
		Console console = System.console();
		if (console == null) {
			return false;
		}
		try {
			return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
		}
		catch (ReflectiveOperationException ex) {
			return true;
		}
	}

}

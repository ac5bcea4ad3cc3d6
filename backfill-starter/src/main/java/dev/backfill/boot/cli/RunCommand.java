package dev.backfill.boot.cli;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

import dev.backfill.BackfillOperator;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillState;
import dev.backfill.RunOptions;
import org.jspecify.annotations.Nullable;

/**
 * {@code backfill run NAME [--batch-size=N]}: runs a backfill, or resumes its unfinished
 * run, with live progress.
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
		return "run NAME [--batch-size=N]    run a backfill, or resume it from its checkpoint";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("batch-size"));
		if (line.arguments().size() != 1) {
			throw new UsageException(
					"'backfill run' takes one backfill name, such as 'backfill run normalize-emails'.");
		}
		String name = line.arguments().get(0);
		int batchSize = line.positiveInt("batch-size");
		ProgressPrinter printer = new ProgressPrinter(out, isTerminal(), this.progressInterval);
		BackfillResult result;
		try {
			result = this.operator.run(name, new RunOptions(batchSize), printer);
		}
		finally {
			printer.finish();
		}
		out.printf("%s %s%s: %,d rows in %,d batches, %s wall time, %,.0f rows/s (run total %,d rows)%n", name,
				result.state().name().toLowerCase(), result.resumed() ? " (resumed from its checkpoint)" : "",
				result.rows(), result.batches(), seconds(result.wallTime()), result.rowsPerSecond(), result.rowsDone());
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

	private static String seconds(Duration duration) {
		return String.format("%.1f s", duration.toMillis() / 1000.0);
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

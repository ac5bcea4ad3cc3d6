package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

import dev.backfill.BackfillOperator;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillState;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.boot.report.Formats;
import dev.backfill.boot.report.ReportJson;

/**
 * {@code backfill rollback NAME [--json]}: runs the declared rollback over the ranges the
 * backfill committed, in batches, with live progress (with {@code --json}, without
 * progress and with the result as JSON); resumes an unfinished rollback.
 */
final class RollbackCommand implements BackfillCommand {

	private final BackfillOperator operator;

	private final Duration progressInterval;

	RollbackCommand(BackfillOperator operator, Duration progressInterval) {
		this.operator = operator;
		this.progressInterval = progressInterval;
	}

	@Override
	public String name() {
		return "rollback";
	}

	@Override
	public String usage() {
		return "rollback NAME [--parallelism=N] [--remote] [--json]\n"
				+ "                               undo the ranges a backfill committed, with its declared rollback";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("parallelism", "remote", "json"));
		String name = line.backfillName();
		RunOptions options = new RunOptions(0, RunCommand.parallelism(line), line.flag("remote"));
		if (line.flag("json")) {
			BackfillResult result = this.operator.rollback(name, options, ProgressListener.NONE);
			out.println(ReportJson.write(RunCommand.json(result, null)));
			return RunCommand.exitCode(result);
		}
		ProgressPrinter printer = new ProgressPrinter(out, RunCommand.isTerminal(), this.progressInterval);
		BackfillResult result;
		try {
			result = this.operator.rollback(name, options, printer);
		}
		finally {
			printer.finish();
		}
		if (result.state() == BackfillState.NOTHING_TO_ROLL_BACK) {
			out.printf("%s: nothing to roll back; no batch was committed since its last rollback.%n", name);
			return OK;
		}
		out.printf("%s rollback %s%s: %,d rows in %,d batches, %s wall time%n", name,
				result.state().name().toLowerCase(), result.resumed() ? " (resumed from its checkpoint)" : "",
				result.rows(), result.batches(), Formats.wallTime(result.wallTime()));
		if (result.state() == BackfillState.COMPLETED) {
			out.printf("'backfill run %s' starts it again from the first key.%n", name);
			return OK;
		}
		if (result.state() == BackfillState.STOPPED) {
			out.printf("'backfill rollback %s' resumes the rollback.%n", name);
			return STOPPED;
		}
		out.printf("%s rollback failed: %s%nFix the cause and run 'backfill rollback %s' again: it resumes.%n", name,
				result.failure(), name);
		return FAILED;
	}

}

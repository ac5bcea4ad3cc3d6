package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

import dev.backfill.BackfillOperator;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillState;

/**
 * {@code backfill rollback NAME}: runs the declared rollback over the ranges the backfill
 * committed, in batches, with live progress; resumes an unfinished rollback.
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
		return "rollback NAME                undo the ranges a backfill committed, with its declared rollback";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of());
		if (line.arguments().size() != 1) {
			throw new UsageException(
					"'backfill rollback' takes one backfill name, such as " + "'backfill rollback normalize-emails'.");
		}
		String name = line.arguments().get(0);
		ProgressPrinter printer = new ProgressPrinter(out, RunCommand.isTerminal(), this.progressInterval);
		BackfillResult result;
		try {
			result = this.operator.rollback(name, printer);
		}
		finally {
			printer.finish();
		}
		if (result.state() == BackfillState.NOTHING_TO_ROLL_BACK) {
			out.printf("%s: nothing to roll back; no batch was committed since its last rollback.%n", name);
			return OK;
		}
		out.printf("%s rollback %s%s: %,d rows in %,d batches, %.1f s wall time%n", name,
				result.state().name().toLowerCase(), result.resumed() ? " (resumed from its checkpoint)" : "",
				result.rows(), result.batches(), result.wallTime().toMillis() / 1000.0);
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

package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.util.Set;

import dev.backfill.BackfillOperator;

/**
 * {@code backfill stop NAME}: asks a running backfill, in whichever process runs it, to
 * stop after its batch in flight. {@code backfill run NAME} resumes it.
 */
final class StopCommand implements BackfillCommand {

	private final BackfillOperator operator;

	StopCommand(BackfillOperator operator) {
		this.operator = operator;
	}

	@Override
	public String name() {
		return "stop";
	}

	@Override
	public String usage() {
		return "stop NAME                    stop a running backfill after its batch in flight";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of());
		if (line.arguments().size() != 1) {
			throw new UsageException(
					"'backfill stop' takes one backfill name, such as 'backfill stop normalize-emails'.");
		}
		String name = line.arguments().get(0);
		if (this.operator.stop(name)) {
			out.printf("%s: asked to stop; it ends after its batch in flight. 'backfill status %s' shows STOPPED "
					+ "then, and 'backfill run %s' resumes it.%n", name, name, name);
		}
		else {
			out.printf("%s is not running (%s): nothing to stop.%n", name, this.operator.status(name).state());
		}
		return OK;
	}

}

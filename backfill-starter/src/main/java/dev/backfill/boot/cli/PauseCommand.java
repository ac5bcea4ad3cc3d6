package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Set;

import dev.backfill.BackfillOperator;

/**
 * {@code backfill pause NAME} and {@code backfill resume NAME}: hold a backfill's run
 * before its next batch, from any process, and let it go on.
 */
final class PauseCommand implements BackfillCommand {

	private final BackfillOperator operator;

	private final boolean pause;

	PauseCommand(BackfillOperator operator, boolean pause) {
		this.operator = operator;
		this.pause = pause;
	}

	@Override
	public String name() {
		return this.pause ? "pause" : "resume";
	}

	@Override
	public String usage() {
		return this.pause ? "pause NAME                   hold a backfill before its next batch, alive, no lock held"
				: "resume NAME                  let a paused backfill go on";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of());
		if (line.arguments().size() != 1) {
			throw new UsageException("'backfill " + name() + "' takes one backfill name, such as 'backfill " + name()
					+ " normalize-emails'.");
		}
		String name = line.arguments().get(0);
		if (this.pause) {
			this.operator.pause(name, ManagementFactory.getRuntimeMXBean().getName());
			out.printf("%s paused: its run holds before its next batch, with no transaction open. 'backfill resume "
					+ "%s' lets it go on.%n", name, name);
		}
		else if (this.operator.resume(name)) {
			out.printf("%s resumed: its run takes its next batch within a second.%n", name);
		}
		else {
			out.printf("%s was not paused.%n", name);
		}
		return OK;
	}

}

package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.util.Set;

import dev.backfill.BackfillOperator;
import dev.backfill.boot.report.ReportJson;

/**
 * {@code backfill stop NAME [--json]}: asks a running backfill, in whichever process runs
 * it, to stop after its batch in flight. {@code backfill run NAME} resumes it.
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
		return "stop NAME [--json]           stop a running backfill after its batch in flight";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("json"));
		String name = line.backfillName();
		String message = this.operator.stop(name)
				? String.format("%s: asked to stop; it ends after its batch in flight. 'backfill status %s' shows "
						+ "STOPPED then, and 'backfill run %s' resumes it.", name, name, name)
				: String.format("%s is not running (%s): nothing to stop.", name, this.operator.status(name).state());
		out.println(line.flag("json") ? ReportJson.write(PauseCommand.json(name, name(), message)) : message);
		return OK;
	}

}

package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.backfill.BackfillOperator;
import dev.backfill.boot.report.ReportJson;

/**
 * {@code backfill pause NAME [--json]} and {@code backfill resume NAME [--json]}: hold a
 * backfill's run before its next batch, from any process, and let it go on.
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
		return this.pause ? "pause NAME [--json]          hold a backfill before its next batch, alive, no lock held"
				: "resume NAME [--json]         let a paused backfill go on";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("json"));
		String name = line.backfillName();
		String message;
		if (this.pause) {
			this.operator.pause(name, ManagementFactory.getRuntimeMXBean().getName());
			message = String.format("%s paused: its run holds before its next batch, with no transaction open. "
					+ "'backfill resume %s' lets it go on.", name, name);
		}
		else {
			message = this.operator.resume(name) ? name + " resumed: its run takes its next batch within a second."
					: name + " was not paused.";
		}
		out.println(line.flag("json") ? ReportJson.write(json(name, name(), message)) : message);
		return OK;
	}

	/**
	 * What {@code stop}, {@code pause} and {@code resume} did, as {@code --json} gives
	 * it: the fields of the endpoint's answer to the same action.
	 * @param name the backfill name
	 * @param action the command
	 * @param message what was done, in words
	 * @return its fields, by name
	 */
	static Map<String, Object> json(String name, String action, String message) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("name", name);
		map.put("action", action);
		map.put("message", message);
		return map;
	}

}

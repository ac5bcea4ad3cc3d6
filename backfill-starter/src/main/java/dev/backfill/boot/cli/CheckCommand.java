package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.backfill.BackfillOperator;
import dev.backfill.Readiness;
import dev.backfill.boot.report.ReportJson;

/**
 * {@code backfill check NAME... [--json]}: the gate of a migration's contract step, for a
 * CI/CD pipeline. Exit code 0 only when each named backfill's latest run completed and a
 * verify after it found no discrepancy; otherwise {@link #NOT_READY}, with a line for
 * each saying why and what to do.
 */
final class CheckCommand implements BackfillCommand {

	private final BackfillOperator operator;

	CheckCommand(BackfillOperator operator) {
		this.operator = operator;
	}

	@Override
	public String name() {
		return "check";
	}

	@Override
	public String usage() {
		return "check NAME... [--json]       exit 0 only when each completed and a verify after it passed";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("json"));
		if (line.arguments().isEmpty()) {
			throw new UsageException(
					"'backfill check' takes one or more backfill names, such as 'backfill check normalize-emails'.");
		}
		// every name is checked before any verdict is printed: a typo is a usage error
		List<Readiness> verdicts = line.arguments().stream().distinct().map(this.operator::readiness).toList();
		boolean ready = verdicts.stream().allMatch(Readiness::ready);
		if (line.flag("json")) {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("ready", ready);
			json.put("backfills", verdicts.stream().map(CheckCommand::json).toList());
			out.println(ReportJson.write(json));
		}
		else {
			for (Readiness verdict : verdicts) {
				out.printf("%-28s %-13s %s%n", verdict.backfill(), verdict.verdict(), verdict.reason());
			}
			long waiting = verdicts.stream().filter((v) -> !v.ready()).count();
			out.println(ready ? "ready: the contract step may run" : String
				.format("not ready: %d of %d not done or not verified since their run", waiting, verdicts.size()));
		}
		return ready ? OK : NOT_READY;
	}

	private static Map<String, Object> json(Readiness verdict) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("name", verdict.backfill());
		map.put("ready", verdict.ready());
		map.put("verdict", verdict.verdict().name());
		map.put("reason", verdict.reason());
		return map;
	}

}

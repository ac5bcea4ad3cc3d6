package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.backfill.BackfillOperator;
import dev.backfill.RunOptions;
import dev.backfill.Verification;
import dev.backfill.boot.report.BackfillReport;
import dev.backfill.boot.report.ReportJson;

/**
 * {@code backfill verify NAME [--json]}: checks the finished work, read-only, and logs
 * every discrepancy into {@code BACKFILL_DISCREPANCY}; exit code 0 only when there is
 * none.
 */
final class VerifyCommand implements BackfillCommand {

	private final BackfillOperator operator;

	private final String discrepancyTable;

	VerifyCommand(BackfillOperator operator, String tablePrefix) {
		this.operator = operator;
		this.discrepancyTable = tablePrefix + "DISCREPANCY";
	}

	@Override
	public String name() {
		return "verify";
	}

	@Override
	public String usage() {
		return "verify NAME [--parallelism=N] [--json]\n"
				+ "                               check the work: no row pending, none failing the declared check";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("parallelism", "json"));
		String name = line.backfillName();
		Verification v = this.operator.verify(name, new RunOptions(0, RunCommand.parallelism(line)));
		if (line.flag("json")) {
			out.println(ReportJson.write(json(v)));
		}
		else if (v.passed()) {
			out.printf("%s verified: %,d keys checked, no discrepancy (%s).%n", v.backfill(), v.keysChecked(),
					v.checked() ? "no row pending, none failing its check" : "no row pending; it declares no check");
		}
		else {
			out.printf("%s: %,d %s in %,d keys checked. First keys: %s%n", v.backfill(), v.discrepancies(),
					(v.discrepancies() == 1) ? "discrepancy" : "discrepancies", v.keysChecked(),
					String.join(", ", v.firstKeys()));
			// verifies of one backfill run one at a time, so its latest discrepancies are
			// this verify's, also when it resumed over several job executions
			out.printf(
					"Every one is in %s: SELECT KEY_VALUE, DETAIL FROM %s WHERE BACKFILL_NAME = '%s' "
							+ "ORDER BY DISCREPANCY_ID DESC LIMIT %d;%n",
					this.discrepancyTable, this.discrepancyTable, v.backfill(), v.discrepancies());
		}
		return v.passed() ? OK : FAILED;
	}

	// the name, then the fields of a report's lastVerify
	private static Map<String, Object> json(Verification v) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("name", v.backfill());
		map.putAll(ReportJson.fields(BackfillReport.VerifySummary.of(v)));
		return map;
	}

}

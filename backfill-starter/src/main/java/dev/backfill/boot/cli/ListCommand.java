package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.RemovalNotice;
import dev.backfill.SqlBackfill;
import dev.backfill.boot.report.ReportJson;
import org.jspecify.annotations.Nullable;

/**
 * {@code backfill list}: the declared backfills.
 */
final class ListCommand implements BackfillCommand {

	private final BackfillOperator operator;

	ListCommand(BackfillOperator operator) {
		this.operator = operator;
	}

	@Override
	public String name() {
		return "list";
	}

	@Override
	public String usage() {
		return "list [--json]                list the declared backfills, flagging those due for removal";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("json"));
		Map<String, RemovalNotice> due = new LinkedHashMap<>();
		this.operator.removalsDue().forEach((n) -> due.put(n.backfill(), n));
		if (line.flag("json")) {
			List<Map<String, Object>> json = this.operator.backfills()
				.stream()
				.map((b) -> json(b, due.get(b.name())))
				.toList();
			out.println(ReportJson.write(json));
			return OK;
		}
		if (this.operator.backfills().isEmpty()) {
			out.println("No backfills declared. Declare a Backfill bean with Backfill.sql(...) or Backfill.java(...).");
			return OK;
		}
		out.printf("%-30s %-5s %-30s %-20s %s%n", "NAME", "FORM", "TABLE", "KEY", "UNDO");
		for (Backfill b : this.operator.backfills()) {
			String table = (b.schemas() == null) ? b.table() : (b.schemas().pattern() != null)
					? b.schemas().pattern() + "." + b.table() : b.table() + " per listed schema";
			out.printf("%-30s %-5s %-30s %-20s %s%s%n", b.name(), form(b), table, b.key(),
					(b.rollback() != null) ? "rollback" : "one-way: " + b.oneWay(),
					b.after().isEmpty() ? "" : "; runs after " + String.join(", ", b.after()));
		}
		for (RemovalNotice notice : due.values()) {
			out.println("REMOVE: " + notice.message());
		}
		return OK;
	}

	private static Map<String, Object> json(Backfill b, @Nullable RemovalNotice notice) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("name", b.name());
		map.put("form", form(b));
		map.put("table", b.table());
		map.put("key", b.key());
		map.put("keyColumns", b.keyColumns());
		map.put("schemas", (b.schemas() != null) ? b.schemas().toString() : null);
		map.put("rollback", b.rollback() != null);
		map.put("oneWay", b.oneWay());
		map.put("after", b.after());
		map.put("removeAfterDays", b.removeOldPath().after().toDays());
		map.put("removalDue", notice != null);
		map.put("removal", (notice != null) ? Map.of("verifiedAt", notice.verifiedAt().toString(), "dueAt",
				notice.dueAt().toString(), "what", notice.what(), "message", notice.message()) : null);
		return map;
	}

	private static String form(Backfill b) {
		return (b instanceof SqlBackfill) ? "SQL" : "JAVA";
	}

}

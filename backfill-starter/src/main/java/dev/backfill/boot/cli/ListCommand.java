package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.util.Set;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;

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
		return "list                         list the declared backfills";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of());
		if (this.operator.backfills().isEmpty()) {
			out.println("No backfills declared. Declare a Backfill bean with Backfill.sql(...) or Backfill.java(...).");
			return OK;
		}
		out.printf("%-30s %-5s %-30s %-12s %s%n", "NAME", "FORM", "TABLE", "KEY", "UNDO");
		for (Backfill b : this.operator.backfills()) {
			out.printf("%-30s %-5s %-30s %-12s %s%n", b.name(), b.form(), b.table(), b.key(),
					(b.rollback() != null) ? "rollback" : "one-way: " + b.oneWay());
		}
		return OK;
	}

}

package dev.backfill.sample;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.backfill.BackfillOperator;
import dev.backfill.BackfillState;
import dev.backfill.boot.cli.BackfillCommand;
import dev.backfill.boot.cli.CommandLine;
import dev.backfill.boot.cli.UsageException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code backfill demo [--rows=N]}: seeds the sample table up to N rows (1,000,000 by
 * default), estimates {@code normalize-emails} with a dry-run when it never ran, then
 * runs or resumes it with live progress and shows its status, with the estimate's error.
 *
 * @since 0.1.0
 */
@Component
public class DemoCommand implements BackfillCommand {

	private static final int DEFAULT_ROWS = 1_000_000;

	private static final String BACKFILL = "normalize-emails";

	private final CustomersTable customers;

	private final ObjectProvider<BackfillCommand> commands;

	private final BackfillOperator operator;

	DemoCommand(CustomersTable customers, ObjectProvider<BackfillCommand> commands, BackfillOperator operator) {
		this.customers = customers;
		this.commands = commands;
		this.operator = operator;
	}

	@Override
	public String name() {
		return "demo";
	}

	@Override
	public String usage() {
		return "demo [--rows=N]              seed the sample table, dry-run then run normalize-emails";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("rows"));
		if (!line.arguments().isEmpty()) {
			throw new UsageException("'backfill demo' takes no arguments.");
		}
		int rows = (line.positiveInt("rows") > 0) ? line.positiveInt("rows") : DEFAULT_ROWS;
		long existing = this.customers.count();
		if (existing < rows) {
			this.customers.seed(rows - existing, out);
		}
		if (this.operator.status(BACKFILL).state() == BackfillState.NEVER_RUN) {
			// the estimate first, as on production; status compares it with the run
			command("dry-run").run(new CommandLine("dry-run", List.of(BACKFILL), Map.of()), out);
			out.println();
		}
		int code = command("run").run(new CommandLine("run", List.of(BACKFILL), Map.of()), out);
		if (code == BackfillCommand.OK) {
			// evidence, not belief: every row checked against the declared verify
			// statement
			code = command("verify").run(new CommandLine("verify", List.of(BACKFILL), Map.of()), out);
		}
		command("status").run(new CommandLine("status", List.of(BACKFILL), Map.of()), out);
		return code;
	}

	private BackfillCommand command(String name) {
		return this.commands.stream().filter((c) -> c.name().equals(name)).findFirst().orElseThrow();
	}

}

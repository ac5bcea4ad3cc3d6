package dev.backfill.sample;

import java.io.PrintStream;
import java.util.Set;

import dev.backfill.boot.cli.BackfillCommand;
import dev.backfill.boot.cli.CommandLine;
import dev.backfill.boot.cli.UsageException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code backfill demo [--rows=N]}: seeds the sample table up to N rows (1,000,000 by default), then runs, or
 * resumes, {@code normalize-emails} with live progress and shows its status.
 *
 * @since 0.1.0
 */
@Component
public class DemoCommand implements BackfillCommand {

	private static final int DEFAULT_ROWS = 1_000_000;

	private final CustomersTable customers;

	private final ObjectProvider<BackfillCommand> commands;

	DemoCommand(CustomersTable customers, ObjectProvider<BackfillCommand> commands) {
		this.customers = customers;
		this.commands = commands;
	}

	@Override
	public String name() {
		return "demo";
	}

	@Override
	public String usage() {
		return "demo [--rows=N]              seed the sample table, then run normalize-emails";
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
		int code = command("run").run(new CommandLine("run", java.util.List.of("normalize-emails"), java.util.Map.of()), out);
		command("status").run(new CommandLine("status", java.util.List.of("normalize-emails"), java.util.Map.of()), out);
		return code;
	}

	private BackfillCommand command(String name) {
		return this.commands.stream().filter((c) -> c.name().equals(name)).findFirst().orElseThrow();
	}

}

package dev.backfill.sample;

import java.io.PrintStream;
import java.util.Set;

import dev.backfill.boot.cli.BackfillCommand;
import dev.backfill.boot.cli.CommandLine;
import dev.backfill.boot.cli.UsageException;
import org.springframework.stereotype.Component;

/**
 * {@code backfill seed --rows=N}: appends N generated rows to {@code customers}.
 *
 * @since 0.1.0
 */
@Component
public class SeedCommand implements BackfillCommand {

	private final CustomersTable customers;

	SeedCommand(CustomersTable customers) {
		this.customers = customers;
	}

	@Override
	public String name() {
		return "seed";
	}

	@Override
	public String usage() {
		return "seed --rows=N                append N generated rows to the sample table customers";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of("rows"));
		int rows = line.positiveInt("rows");
		if (rows == 0 || !line.arguments().isEmpty()) {
			throw new UsageException("'backfill seed' needs --rows=N, such as --rows=5000000.");
		}
		this.customers.seed(rows, out);
		return OK;
	}

}

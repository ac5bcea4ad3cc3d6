package dev.backfill.boot;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.backfill.boot.cli.BackfillCommand;
import dev.backfill.boot.cli.BackfillCommandRunner;
import dev.backfill.boot.cli.CommandLine;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

/**
 * Runs a {@code backfill ...} command line in a test's application context.
 */
final class Cli {

	private Cli() {
	}

	/**
	 * @return the exit code, a '|', and what the command printed
	 */
	static String run(AssertableApplicationContext context, String... args) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		List<BackfillCommand> commands = context.getBeanProvider(BackfillCommand.class).orderedStream().toList();
		BackfillCommandRunner runner = new BackfillCommandRunner(commands, context, false,
				new PrintStream(bytes, true, StandardCharsets.UTF_8));
		int code = runner.execute(CommandLine.parse(args));
		return code + "|" + bytes.toString(StandardCharsets.UTF_8);
	}

}

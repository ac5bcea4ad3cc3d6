package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.backfill.BackfillAlreadyRunningException;
import dev.backfill.BackfillException;
import dev.backfill.NoSuchBackfillException;
import dev.backfill.OneWayBackfillException;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;

/**
 * Runs {@code java -jar app.jar backfill COMMAND ...}: dispatches to the {@link BackfillCommand} beans, turns errors
 * into a message and an exit code (2 usage, 3 already running, 1 failure), and exits with it. Arguments that do not
 * start with {@code backfill} are left to the application.
 *
 * @since 0.1.0
 */
public class BackfillCommandRunner implements ApplicationRunner, ExitCodeGenerator {

	private final Map<String, BackfillCommand> commands = new TreeMap<>();

	private final ApplicationContext context;

	private final boolean exit;

	private final PrintStream out;

	private int exitCode;

	/**
	 * Creates the runner.
	 * @param commands the available commands
	 * @param context the application, closed on exit
	 * @param exit whether to exit the JVM with the command's exit code
	 * @param out where to print
	 */
	public BackfillCommandRunner(List<BackfillCommand> commands, ApplicationContext context, boolean exit,
			PrintStream out) {
		commands.forEach((c) -> this.commands.put(c.name(), c));
		this.context = context;
		this.exit = exit;
		this.out = out;
	}

	@Override
	public void run(ApplicationArguments args) {
		CommandLine line;
		try {
			line = CommandLine.parse(args.getSourceArgs());
		}
		catch (UsageException ex) {
			finish(usage(ex.getMessage()));
			return;
		}
		if (line == null) {
			return;
		}
		finish(execute(line));
	}

	/**
	 * Runs one command line.
	 * @param line the command line
	 * @return the exit code
	 */
	public int execute(CommandLine line) {
		if (line.command().equals("help")) {
			return usage(null) - BackfillCommand.USAGE;
		}
		BackfillCommand command = this.commands.get(line.command());
		if (command == null) {
			return usage("Unknown command '" + line.command() + "'.");
		}
		try {
			return command.run(line, this.out);
		}
		catch (UsageException | NoSuchBackfillException ex) {
			return usage(ex.getMessage());
		}
		catch (BackfillAlreadyRunningException ex) {
			this.out.println("backfill: " + ex.getMessage());
			return BackfillCommand.ALREADY_RUNNING;
		}
		catch (OneWayBackfillException ex) {
			// refused, as a bad request is: nothing was done
			this.out.println("backfill: " + ex.getMessage());
			return BackfillCommand.USAGE;
		}
		catch (BackfillException ex) {
			this.out.println("backfill: " + ex.getMessage());
			return BackfillCommand.FAILED;
		}
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	private int usage(String problem) {
		if (problem != null) {
			this.out.println("backfill: " + problem);
		}
		this.out.println("Usage: java -jar app.jar backfill COMMAND");
		this.commands.values().forEach((c) -> this.out.println("  " + c.usage()));
		this.out.println("Exit codes: 0 done, 1 failed, 2 bad usage, 3 already running, 4 not idempotent (dry-run), "
				+ "5 stopped; verify: 1 when it found discrepancies.");
		return BackfillCommand.USAGE;
	}

	private void finish(int code) {
		this.exitCode = code;
		this.out.flush();
		if (this.exit) {
			System.exit(SpringApplication.exit(this.context, () -> code));
		}
	}

}

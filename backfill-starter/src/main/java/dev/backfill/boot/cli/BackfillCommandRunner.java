package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.backfill.BackfillAlreadyRunningException;
import dev.backfill.BackfillException;
import dev.backfill.BackfillOrderException;
import dev.backfill.InvalidBackfillException;
import dev.backfill.MissingPrivilegeException;
import dev.backfill.NoSuchBackfillException;
import dev.backfill.OneWayBackfillException;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.core.NestedExceptionUtils;

/**
 * Runs {@code java -jar app.jar backfill COMMAND ...}: checks the declarations against
 * the database (which the application's start leaves to it), dispatches to the
 * {@link BackfillCommand} beans, turns errors into a message and an exit code, and exits
 * with it: 0 done; 1 failed (and a verify that found discrepancies); 2 refused, as
 * retrying cannot help (bad usage, a declaration the database refuses, a privilege the
 * role lacks); 3 already running; 4 not idempotent (dry-run); 5 stopped, resumable.
 * Arguments that do not start with {@code backfill} are left to the application.
 *
 * @since 0.1.0
 */
public class BackfillCommandRunner implements ApplicationRunner, ExitCodeGenerator {

	private final Map<String, BackfillCommand> commands = new TreeMap<>();

	private final ApplicationContext context;

	private final boolean exit;

	private final PrintStream out;

	private final Runnable validation;

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
		this(commands, context, exit, out, () -> {
		});
	}

	/**
	 * Creates the runner with the check it runs before each command but {@code help}.
	 * @param commands the available commands
	 * @param context the application, closed on exit
	 * @param exit whether to exit the JVM with the command's exit code
	 * @param out where to print
	 * @param validation checks the declarations, such as
	 * {@link dev.backfill.BackfillOperator#validate()}
	 */
	public BackfillCommandRunner(List<BackfillCommand> commands, ApplicationContext context, boolean exit,
			PrintStream out, Runnable validation) {
		commands.forEach((c) -> this.commands.put(c.name(), c));
		this.context = context;
		this.exit = exit;
		this.out = out;
		this.validation = validation;
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
			this.validation.run();
			return command.run(line, this.out);
		}
		catch (UsageException | NoSuchBackfillException ex) {
			return usage(ex.getMessage());
		}
		catch (BackfillAlreadyRunningException ex) {
			this.out.println("backfill: " + ex.getMessage());
			return BackfillCommand.ALREADY_RUNNING;
		}
		catch (OneWayBackfillException | InvalidBackfillException | MissingPrivilegeException
				| BackfillOrderException ex) {
			// refused, as a bad request is: nothing was done, and doing it again changes
			// nothing
			this.out.println("backfill: " + ex.getMessage());
			return BackfillCommand.USAGE;
		}
		catch (RuntimeException ex) {
			if (MissingPrivilegeException.refused(ex)) {
				this.out.println("backfill: the database refused 'backfill " + line.command() + "' a privilege: "
						+ refusal(ex) + ". Run it as a role that may write the backfill's table, the library's and "
						+ "Spring Batch's tables (the one that runs backfills), or grant this one the privilege.");
				return BackfillCommand.USAGE;
			}
			if (ex instanceof BackfillException) {
				this.out.println("backfill: " + ex.getMessage());
				return BackfillCommand.FAILED;
			}
			throw ex;
		}
	}

	// PostgreSQL's own words, such as "permission denied for table backfill_pause"
	private static String refusal(Throwable ex) {
		String message = String.valueOf(NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
		String first = message.lines().findFirst().orElse(message);
		return first.startsWith("ERROR:") ? first.substring("ERROR:".length()).strip() : first;
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
		this.out.println("Exit codes: 0 done, 1 failed, 2 refused (bad usage, a declaration the database refuses, a "
				+ "privilege the role lacks), 3 already running, 4 not idempotent (dry-run), 5 stopped; verify: 1 when "
				+ "it found discrepancies.");
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

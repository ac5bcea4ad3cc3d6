package dev.backfill.boot.cli;

import java.io.PrintStream;

/**
 * One {@code backfill} sub-command. The starter provides eleven: {@code list},
 * {@code status}, {@code run}, {@code dry-run}, {@code verify}, {@code check},
 * {@code rollback}, {@code stop}, {@code pause} and {@code resume}, each taking
 * {@code --json}, and {@code worker}, which takes partitions of runs handed to workers
 * ({@link BackfillCommandRunner} answers {@code help} itself); an application adds its
 * own by declaring a bean.
 *
 * @since 0.1.0
 */
public interface BackfillCommand {

	/** Exit code: success. */
	int OK = 0;

	/** Exit code: the work failed. */
	int FAILED = 1;

	/**
	 * Exit code: refused, as retrying cannot help: bad usage, a declaration the database
	 * refuses, a privilege the role lacks.
	 */
	int USAGE = 2;

	/** Exit code: the backfill already runs in another process. */
	int ALREADY_RUNNING = 3;

	/** Exit code: a dry-run found that applying a batch twice changes its rows again. */
	int NOT_IDEMPOTENT = 4;

	/** Exit code: the run was stopped (stop command, SIGTERM) and can be resumed. */
	int STOPPED = 5;

	/**
	 * Exit code of {@code check}: a backfill is not done, or not verified since its run.
	 * @since 0.3.0
	 */
	int NOT_READY = 6;

	/**
	 * @return the command's name, such as {@code run}
	 */
	String name();

	/**
	 * @return one line of usage, such as
	 * {@code run NAME [--batch-size=N]  run or resume a backfill}
	 */
	String usage();

	/**
	 * Runs the command.
	 * @param line the parsed command line
	 * @param out where to print results
	 * @return the exit code
	 * @throws UsageException on bad usage
	 */
	int run(CommandLine line, PrintStream out);

}

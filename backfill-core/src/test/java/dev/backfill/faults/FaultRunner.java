package dev.backfill.faults;

import java.time.Duration;
import java.util.List;

import dev.backfill.jdbc.RunLock;
import dev.backfill.test.TestDatabase;

/**
 * Runs a command on a cell's database: recording its events, with a lost connection at a
 * point in this JVM, or halted at a point in a {@link FaultChild}.
 */
final class FaultRunner implements AutoCloseable {

	private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);

	private final TestDatabase.Server server;

	private final Sessions sessions;

	FaultRunner(TestDatabase.Server server) {
		this.server = server;
		this.sessions = new Sessions(server.url(), server.user(), server.password());
	}

	Sessions sessions() {
		return this.sessions;
	}

	@Override
	public void close() throws Exception {
		this.sessions.close();
	}

	/**
	 * @return the events of the command, run to its end without a fault
	 */
	List<String> record(Databases.Database database, Variant variant, Command command) {
		FaultInjector injector = FaultInjector.recording(this.sessions);
		command.apply(InterceptedOperators.operator(database.pool(), injector, variant.backfill()), variant.name());
		return injector.trace();
	}

	/**
	 * @return the injector, after the command ran with a lost connection at the point,
	 * and what it returned
	 */
	Struck lose(Databases.Database database, Variant variant, Command command, FaultPoint point, Fault fault) {
		FaultInjector injector = FaultInjector.striking(this.sessions, point, fault);
		injector.checkLockAfterLoss(() -> RunLock.isHeld(database.pool(), variant.name()));
		try {
			return new Struck(injector, command
				.apply(InterceptedOperators.operator(database.pool(), injector, variant.backfill()), variant.name()),
					null);
		}
		catch (RuntimeException ex) {
			return new Struck(injector, null, ex);
		}
	}

	/**
	 * What a command with a fault did.
	 *
	 * @param injector its injector, which knows whether it struck
	 * @param result what the command returned, or {@code null} when it threw
	 * @param failure what it threw
	 */
	record Struck(FaultInjector injector, Object result, RuntimeException failure) {
	}

	/**
	 * @return how a child JVM that ran the command with a halt at the point exited
	 */
	ChildJvm.Exit halt(Databases.Database database, Variant variant, Command command, FaultPoint point, Fault fault)
			throws Exception {
		return ChildJvm.run(FaultChild.class, CHILD_TIMEOUT,
				List.of(database.url(), this.server.user(), this.server.password(), this.server.url(), variant.encode(),
						command.name(), point.encode(), fault.name()));
	}

}

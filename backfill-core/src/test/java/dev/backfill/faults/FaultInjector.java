package dev.backfill.faults;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;

/**
 * Counts the events of one command (JobRepository calls, batch statements, commits),
 * keeps their trace, and strikes one {@link Fault} at one {@link FaultPoint}. A halt ends
 * the JVM with {@link #HALTED}; a lost connection hits the session of the call (for a
 * JobRepository call: of its first statement), or the run lock's session, after which it
 * asks at the next commit whether the run holds its lock again.
 */
final class FaultInjector {

	/** The exit code of a JVM halted at its point. */
	static final int HALTED = 77;

	/** What the intercepted call does. */
	@FunctionalInterface
	interface Call {

		@Nullable Object call() throws Throwable;

	}

	private final Sessions sessions;

	private final @Nullable FaultPoint point;

	private final @Nullable Fault fault;

	private final Map<String, Integer> counts = new HashMap<>();

	private final List<String> trace = new ArrayList<>();

	/** Why the fault did not strike where it was meant to. */
	private final List<String> notes = new ArrayList<>();

	/**
	 * A lost connection waiting for the first statement of the JobRepository call at the
	 * point.
	 */
	private @Nullable Fault armed;

	private boolean struck;

	/** The SQLSTATE of the first failure the driver raised after the fault. */
	private @Nullable String seen;

	private int lockPid;

	/**
	 * Tells whether the run lock is held, asked once after the run lock's session was
	 * lost.
	 */
	private @Nullable BooleanSupplier lockHeld;

	/**
	 * Whether the run lock was held again at the first commit after its session was lost;
	 * null until asked.
	 */
	private @Nullable Boolean relocked;

	private FaultInjector(Sessions sessions, @Nullable FaultPoint point, @Nullable Fault fault) {
		this.sessions = sessions;
		this.point = point;
		this.fault = fault;
	}

	/** An injector that only records the trace. */
	static FaultInjector recording(Sessions sessions) {
		return new FaultInjector(sessions, null, null);
	}

	/** An injector that strikes {@code fault} at {@code point}. */
	static FaultInjector striking(Sessions sessions, FaultPoint point, Fault fault) {
		return new FaultInjector(sessions, point, fault);
	}

	/** A JobRepository call. */
	synchronized @Nullable Object repository(String event, Call call) throws Throwable {
		boolean here = reached(event);
		if (here && this.fault == Fault.HALT_BEFORE) {
			halt();
		}
		if (here && (this.fault == Fault.TERMINATED || this.fault == Fault.BROKEN)) {
			if (this.point.lockSession()) {
				lose(this.lockPid, this.fault);
			}
			else {
				this.armed = this.fault;
			}
		}
		try {
			return call.call();
		}
		finally {
			if (here && this.fault == Fault.HALT_AFTER) {
				halt();
			}
			if (here && this.armed != null) {
				this.armed = null;
				this.notes.add(this.point.label() + " ran no statement: no connection was lost");
			}
		}
	}

	/** A statement, or a commit, on a connection of the intercepted data source. */
	synchronized @Nullable Object statement(String event, Connection connection, Call call) throws Throwable {
		int pid = pid(connection);
		if (this.armed != null && pid != this.lockPid) {
			lose(pid, this.armed);
			this.armed = null;
		}
		boolean here = reached(event);
		if (here && this.fault == Fault.HALT_BEFORE) {
			halt();
		}
		if (here && (this.fault == Fault.TERMINATED || this.fault == Fault.BROKEN)) {
			lose(this.point.lockSession() ? this.lockPid : pid, this.fault);
		}
		Object result;
		try {
			result = call.call();
		}
		catch (SQLException ex) {
			if (this.struck && this.seen == null) {
				this.seen = ex.getSQLState();
			}
			throw ex;
		}
		if (event.equals(InterceptedDataSource.LOCK)) {
			this.lockPid = pid;
		}
		if (!here && this.struck && this.point.lockSession() && this.lockHeld != null && this.relocked == null
				&& event.equals("sql.commit")) {
			this.relocked = this.lockHeld.getAsBoolean();
		}
		if (here && this.fault == Fault.HALT_AFTER) {
			halt();
		}
		if (here && this.fault == Fault.REPLY_LOST) {
			lose(pid, Fault.BROKEN);
			// the driver finds the connection broken, as it would have reading the reply,
			// and so does the pool
			try (Statement next = connection.createStatement()) {
				next.execute("SELECT 1");
			}
			catch (SQLException ex) {
				this.seen = ex.getSQLState();
				throw ex;
			}
			throw new IllegalStateException("A broken connection answered: " + this.point.label());
		}
		return result;
	}

	private boolean reached(String event) {
		int n = this.counts.merge(event, 1, Integer::sum);
		String last = this.trace.isEmpty() ? "#" : this.trace.get(this.trace.size() - 1);
		String before = last.substring(0, last.lastIndexOf('#'));
		this.trace.add(event + "#" + n);
		if (this.point == null || this.struck || !this.point.event().equals(event) || this.point.occurrence() != n) {
			return false;
		}
		if (!FaultPoint.ANY.equals(this.point.after()) && !before.equals(this.point.after())) {
			this.notes.add("not struck at " + event + "#" + n + ": the recording had " + this.point.after()
					+ " before it, this run " + before);
			return false;
		}
		return true;
	}

	private void lose(int pid, Fault fault) {
		this.struck = true;
		if (fault == Fault.TERMINATED) {
			this.sessions.terminate(pid);
		}
		else {
			this.sessions.sever(pid);
		}
	}

	private void halt() {
		System.out.println("halting at " + this.point.label() + " (" + this.fault.label() + ")");
		Runtime.getRuntime().halt(HALTED);
	}

	private static int pid(Connection connection) throws SQLException {
		return connection.unwrap(PGConnection.class).getBackendPID();
	}

	/**
	 * @return the events so far, each with its occurrence:
	 * {@code repo.createJobInstance#1}
	 */
	synchronized List<String> trace() {
		return List.copyOf(this.trace);
	}

	/**
	 * Asks {@code held} at the first commit after the run lock's session was lost,
	 * whether the lock is held again.
	 */
	synchronized void checkLockAfterLoss(BooleanSupplier held) {
		this.lockHeld = held;
	}

	/**
	 * @return whether the run lock was held at the first commit after its session was
	 * lost: {@code false} when the run went on without it; {@code null} when not asked
	 */
	synchronized @Nullable Boolean relocked() {
		return this.relocked;
	}

	/**
	 * @return why the fault did not strike where it was meant to
	 */
	synchronized List<String> notes() {
		return List.copyOf(this.notes);
	}

	/**
	 * @return whether the fault struck
	 */
	synchronized boolean struck() {
		return this.struck;
	}

	/**
	 * @return the SQLSTATE the driver raised after the fault, or {@code null}
	 */
	synchronized @Nullable String seen() {
		return this.seen;
	}

}

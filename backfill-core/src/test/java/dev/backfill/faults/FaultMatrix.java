package dev.backfill.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.backfill.BackfillResult;
import dev.backfill.engine.DefaultBackfillOperator;
import org.jspecify.annotations.Nullable;

/**
 * The cells of the matrix, and how one is run: the command meets its fault (a halt in a
 * child JVM, a lost connection in this one); unless it rode through, the same command
 * runs again once, with a fresh operator and nothing changed by hand; then the
 * {@link Invariants} must hold.
 */
final class FaultMatrix {

	/**
	 * One cell: a fault at a point of a scenario, on a variant.
	 *
	 * @param scenario the command and the state it starts from
	 * @param spec where the point is
	 * @param fault what happens there
	 * @param variant the key type and form
	 */
	record Cell(Scenario scenario, PointSpec spec, Fault fault, Variant variant) {

		String name() {
			return this.scenario.description() + " / " + this.spec.phase() + ": " + this.spec.event()
					+ ((this.spec.nth() > 1) ? " #" + this.spec.nth() : "")
					+ (this.spec.lockSession() ? " (lock session)" : "") + " / " + this.fault.label() + " / "
					+ this.variant.label();
		}

	}

	/**
	 * How a cell went.
	 *
	 * @param cell the cell
	 * @param faulted what the command that met the fault did
	 * @param seen the SQLSTATE the driver raised after a lost connection, or {@code null}
	 * @param problems what was wrong in the end; empty when the cell passed
	 * @param harness whether the cell could not run as planned (its point was not
	 * reached): a bug of the test
	 * @param millis how long the cell took
	 */
	record Outcome(Cell cell, String faulted, @Nullable String seen, List<String> problems, boolean harness,
			long millis) {

		boolean passed() {
			return this.problems.isEmpty();
		}

	}

	/**
	 * What the command that met the fault did.
	 *
	 * @param what how it ended, for the matrix
	 * @param seen the SQLSTATE the driver raised after the fault
	 * @param succeeded whether it returned success, so that no user would run it again
	 * @param result what it returned
	 * @param problems what it did wrong already
	 */
	private record Faulted(String what, @Nullable String seen, boolean succeeded, @Nullable Object result,
			List<String> problems) {
	}

	/** A cell that could not run as planned. */
	private static final class HarnessException extends Exception {

		HarnessException(String message) {
			super(message);
		}

	}

	private final Databases databases;

	private final FaultRunner runner;

	private final States states;

	/**
	 * Cells of one variant run one at a time: they share its backfill name, which its run
	 * lock is keyed by.
	 */
	private final Map<Variant, ReentrantLock> variants = new ConcurrentHashMap<>();

	FaultMatrix(Databases databases, FaultRunner runner, States states) {
		this.databases = databases;
		this.runner = runner;
		this.states = states;
	}

	/**
	 * The cells: each point of each scenario with each of its faults, on one variant
	 * taken in turn per kind of phase (launch, recover, batch, finish), so that every key
	 * type and form meets every phase; for a soak, on every variant.
	 */
	static List<Cell> cells(boolean soak, Map<Scenario, List<PointSpec>> points, List<Variant> variants) {
		Map<String, Integer> turns = new HashMap<>();
		List<Cell> cells = new ArrayList<>();
		for (Scenario scenario : Scenario.values()) {
			for (PointSpec spec : points.get(scenario)) {
				// the SQL form reads no rows; the bigint key, dense, is walked in spans
				// of
				// key values, with no probe
				List<Variant> candidates = switch (spec.event()) {
					case "sql.read" -> variants.stream().filter((v) -> v.form() == Form.JAVA).toList();
					case "sql.probe" -> variants.stream().filter((v) -> v.key() != KeyColumn.BIGINT).toList();
					default -> variants;
				};
				for (Fault fault : spec.faults()) {
					if (soak) {
						candidates.forEach((v) -> cells.add(new Cell(scenario, spec, fault, v)));
					}
					else {
						int turn = turns.merge(spec.phase().replaceAll("[0-9]+|last ", "").strip(), 1, Integer::sum);
						cells.add(new Cell(scenario, spec, fault, candidates.get(turn % candidates.size())));
					}
				}
			}
		}
		return cells;
	}

	Outcome run(Cell cell) {
		ReentrantLock variant = this.variants.computeIfAbsent(cell.variant(), (v) -> new ReentrantLock());
		variant.lock();
		long start = System.nanoTime();
		Databases.Database database = null;
		try {
			Optional<FaultPoint> point = this.states.trace(cell.scenario(), cell.variant())
				.find(cell.spec().phase(), cell.spec().event(), cell.spec().nth(), cell.spec().lockSession());
			if (point.isEmpty()) {
				throw new HarnessException("the point is not in the command's trace");
			}
			database = this.databases.copy(this.states.template(cell.scenario().state(), cell.variant()));
			Faulted faulted = cell.fault().halts() ? halt(cell, database, point.get())
					: lose(cell, database, point.get());
			List<String> problems = new ArrayList<>(faulted.problems());
			Object again = faulted.result();
			if (!faulted.succeeded()) {
				if (!Invariants.finished(database, cell.variant(), cell.scenario().command())) {
					again = runAgain(cell, database, problems);
				}
				else if (!faulted.what().equals("halted")) {
					// the user reads the failure and runs it again, which starts the
					// finished backfill over
					problems.add("the command failed, but the backfill had finished: '"
							+ cell.scenario().command().typed() + "' again would start it over");
				}
			}
			problems.addAll(Invariants.check(database, cell.variant(), cell.scenario(), again));
			return new Outcome(cell, faulted.what(), faulted.seen(), problems, false, millis(start));
		}
		catch (HarnessException ex) {
			return new Outcome(cell, "-", null, List.of("HARNESS: " + ex.getMessage()), true, millis(start));
		}
		catch (Exception ex) {
			return new Outcome(cell, "-", null, List.of("HARNESS: the cell could not run: " + ex), true, millis(start));
		}
		finally {
			if (database != null) {
				database.close();
				this.databases.drop(database.name());
			}
			variant.unlock();
		}
	}

	// in a child JVM; a run or rollback that had finished when it halted is not run again
	// either
	private Faulted halt(Cell cell, Databases.Database database, FaultPoint point) throws Exception {
		ChildJvm.Exit exit = this.runner.halt(database, cell.variant(), cell.scenario().command(), point, cell.fault());
		if (exit.exitCode() != FaultInjector.HALTED) {
			throw new HarnessException(
					"the child did not halt at the point (exit " + exit.exitCode() + "): " + tail(exit.output()));
		}
		this.databases.awaitChildGone(database.name());
		return new Faulted("halted", null, false, null, List.of());
	}

	private Faulted lose(Cell cell, Databases.Database database, FaultPoint point) throws HarnessException {
		FaultRunner.Struck struck = this.runner.lose(database, cell.variant(), cell.scenario().command(), point,
				cell.fault());
		String what = describe(struck.result(), struck.failure());
		if (!struck.injector().struck()) {
			throw new HarnessException(
					"the command never reached the point: " + what + " " + struck.injector().notes());
		}
		List<String> problems = new ArrayList<>();
		if (Boolean.FALSE.equals(struck.injector().relocked())) {
			problems.add("once its run lock's session was lost, the command went on to commit without holding the "
					+ "lock: a second '" + cell.scenario().command().typed() + "' could have started alongside it");
		}
		boolean failed = struck.failure() != null
				|| (struck.result() instanceof BackfillResult result && result.failure() != null);
		return new Faulted(what, struck.injector().seen(), !failed, struck.result(), problems);
	}

	// the same command, as typed again: a fresh operator, nothing changed by hand
	private @Nullable Object runAgain(Cell cell, Databases.Database database, List<String> problems) {
		String typed = "'" + cell.scenario().command().typed() + "' again";
		try {
			DefaultBackfillOperator fresh = InterceptedOperators.operator(database.pool(),
					FaultInjector.recording(this.runner.sessions()), cell.variant().backfill());
			Object again = cell.scenario().command().apply(fresh, cell.variant().name());
			if (again instanceof BackfillResult result && result.failure() != null) {
				problems.add(typed + " ended " + result.state() + ": " + result.failure());
			}
			return again;
		}
		catch (RuntimeException ex) {
			problems.add(typed + " threw " + message(ex));
			return null;
		}
	}

	private static String describe(@Nullable Object result, @Nullable RuntimeException failure) {
		if (failure != null) {
			return "threw " + message(failure);
		}
		if (result instanceof BackfillResult r) {
			return (r.failure() == null) ? "rode through, " + r.state() : "ended " + r.state() + ": " + r.failure();
		}
		return "rode through";
	}

	private static String message(Throwable ex) {
		String text = ex.getClass().getSimpleName() + ": " + ex.getMessage();
		return (text.length() > 400) ? text.substring(0, 400) + "…" : text;
	}

	private static String tail(String output) {
		List<String> lines = output.lines().toList();
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
	}

	private static long millis(long start) {
		return (System.nanoTime() - start) / 1_000_000;
	}

}

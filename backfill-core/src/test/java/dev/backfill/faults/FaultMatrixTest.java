package dev.backfill.faults;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Attacks the protocol at every point of every command: each JobRepository call of
 * launching, restarting, recovering, running and finishing a run, a rollback, a verify
 * and a dry-run, each statement of a batch, its commit and the run lock's session, met by
 * a halted JVM or a lost connection. After each fault the same command runs again once,
 * with a fresh operator and no change by hand, and every row must have been changed
 * exactly once (or undone, or left alone), the committed ranges one contiguous walk, the
 * final state right.
 * <p>
 * By default each point of {@link Scenario} meets each of its faults once, on a key type
 * and form taken in turn, two cells at a time ({@code -Dbackfill.faults.threads=N}).
 * {@code -Dbackfill.faults.soak=true} runs every cell on every key type and form;
 * {@code -Dbackfill.faults.points=all} takes every JobRepository call of each command,
 * and every statement of its batches 1, 2 and last, as points.
 * {@code -Dbackfill.faults.only=RUN,RESUME} keeps some scenarios,
 * {@code -Dbackfill.faults.match=TEXT} the cells whose name holds TEXT,
 * {@code -Dbackfill.faults.verbose=true} the engine's logs. The matrix is written to
 * {@code target/fault-matrix.md}.
 */
class FaultMatrixTest {

	static final String COMMAND = "BACKFILL_TEST_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/test ./mvnw -B -pl "
			+ "backfill-core test -Dtest=FaultMatrixTest";

	private static final boolean SOAK = Boolean.getBoolean("backfill.faults.soak");

	private static final boolean EVERY_POINT = "all".equals(System.getProperty("backfill.faults.points"));

	private static final Map<String, Level> quieted = new LinkedHashMap<>(
			Map.of("dev.backfill", Level.WARN, "com.zaxxer", Level.ERROR));

	private static final MatrixReport report = new MatrixReport();

	private static Databases databases;

	private static FaultRunner runner;

	private static States states;

	private static ExecutorService workers;

	private static long started;

	@BeforeAll
	static void startMatrix() {
		started = System.nanoTime();
		if (Boolean.getBoolean("backfill.faults.verbose")) {
			quieted.clear();
		}
		quieted.replaceAll((name, level) -> {
			Logger logger = (Logger) LoggerFactory.getLogger(name);
			Level before = logger.getLevel();
			logger.setLevel(level);
			return before;
		});
		databases = new Databases();
		runner = new FaultRunner(databases.server());
		states = new States(databases, runner);
		workers = Executors.newFixedThreadPool(Integer.getInteger("backfill.faults.threads", 2));
	}

	@AfterAll
	static void writeMatrix() throws Exception {
		workers.shutdownNow();
		workers.awaitTermination(30, TimeUnit.SECONDS);
		StringBuilder command = new StringBuilder(COMMAND);
		for (String option : List.of("soak", "points", "only", "match", "threads")) {
			String value = System.getProperty("backfill.faults." + option);
			if (value != null) {
				command.append(" -Dbackfill.faults.").append(option).append('=').append(value);
			}
		}
		report.write(Path.of("target", "fault-matrix.md"), command.toString(), SOAK,
				TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
		runner.close();
		databases.close();
		quieted.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
	}

	@TestFactory
	Stream<DynamicTest> everyFaultAtEveryPointIsOvercomeByRunningTheSameCommandAgain() throws Exception {
		Map<Scenario, List<PointSpec>> points = new EnumMap<>(Scenario.class);
		List<String> only = Arrays.stream(System.getProperty("backfill.faults.only", "").split(","))
			.filter((s) -> !s.isBlank())
			.toList();
		for (Scenario scenario : Scenario.values()) {
			boolean kept = only.isEmpty() || only.contains(scenario.name());
			points.put(scenario, !kept ? List.of() : EVERY_POINT ? everyPoint(scenario) : scenario.points());
		}
		FaultMatrix matrix = new FaultMatrix(databases, runner, states);
		String match = System.getProperty("backfill.faults.match", "");
		boolean icu = databases.hasCollation("und-x-icu");
		if (!icu) {
			report.note("The server has no ICU collation und-x-icu: the text ICU key type was left out.");
		}
		List<Variant> variants = Variant.all().stream().filter((v) -> icu || v.key() != KeyColumn.TEXT_ICU).toList();
		List<FaultMatrix.Cell> cells = FaultMatrix.cells(SOAK, points, variants)
			.stream()
			.filter((c) -> c.name().contains(match))
			.toList();
		// recorded before the cells run: a recording's backfill name is also a cell's
		for (FaultMatrix.Cell cell : cells) {
			states.trace(cell.scenario(), cell.variant());
		}
		List<Future<FaultMatrix.Outcome>> outcomes = cells.stream()
			.map((c) -> workers.submit(() -> matrix.run(c)))
			.toList();
		return IntStream.range(0, cells.size()).mapToObj((i) -> dynamicTest(cells.get(i).name(), () -> {
			FaultMatrix.Outcome outcome = outcomes.get(i).get(10, TimeUnit.MINUTES);
			report.add(outcome);
			assertThat(outcome.problems()).as("%s: the command %s; then", cells.get(i).name(), outcome.faulted())
				.isEmpty();
		}));
	}

	// every JobRepository call, run lock and commit of a call outside the batches; every
	// event of batches 1, 2 and the last but the unnamed statements, and the run lock's
	// session there
	private static List<PointSpec> everyPoint(Scenario scenario) throws Exception {
		Map<String, PointSpec> points = new LinkedHashMap<>();
		for (Form form : Form.values()) {
			Trace trace = states.trace(scenario, new Variant(KeyColumn.BIGINT, form));
			String last = "batch " + trace.batches();
			Map<String, Integer> nth = new LinkedHashMap<>();
			for (Trace.Event e : trace.events()) {
				String phase = e.phase().equals(last) ? "last batch" : e.phase();
				String event = e.event();
				int n = nth.merge(phase + " " + event, 1, Integer::sum);
				List<PointSpec> here = new ArrayList<>();
				if (List.of("batch 1", "batch 2", "last batch").contains(phase)) {
					if (n == 1 && event.equals("sql.commit")) {
						here.add(PointSpec.commit(phase, event));
						here.add(PointSpec.lockSession(phase, event));
					}
					else if (n == 1 && !event.equals("sql.other")) {
						here.add(PointSpec.call(phase, event));
					}
				}
				else if (!phase.startsWith("batch")
						&& (event.startsWith("repo.") || event.equals(InterceptedDataSource.LOCK))) {
					here.add(PointSpec.call(phase, event, n));
					if (event.startsWith("repo.create") || event.startsWith("repo.update")) {
						here.add(PointSpec.commit(phase, Trace.COMMIT_OF + event, n));
					}
				}
				here.forEach((p) -> points.putIfAbsent(p.key(), p));
			}
		}
		return List.copyOf(points.values());
	}

}

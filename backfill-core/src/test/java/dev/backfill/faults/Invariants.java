package dev.backfill.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.backfill.BackfillState;
import dev.backfill.Estimate;
import dev.backfill.Verification;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.RunLock;
import dev.backfill.test.BatchLogAssert;
import dev.backfill.test.TestOperators;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What must hold once the command that met a fault was run again: every row changed
 * exactly once (or undone, or untouched), the committed ranges of the run one contiguous
 * walk over every key, the final state right, no run lock left held. Each check that
 * fails says what it found.
 */
final class Invariants {

	private static final String RANGE_OWNER = """
			SELECT JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = (
			    SELECT JOB_INSTANCE_ID FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = (
			        SELECT max(JOB_EXECUTION_ID) FROM BACKFILL_BATCH_LOG
			        WHERE BACKFILL_NAME = :name AND OUTCOME = 'COMMITTED'))""";

	private Invariants() {
	}

	/**
	 * @param database the cell's database
	 * @param variant the key type and form
	 * @param scenario the command that was run again, and the state it started from
	 * @param again what the command returned the second time
	 * @return what is wrong, empty when all holds
	 */
	static List<String> check(Databases.Database database, Variant variant, Scenario scenario, @Nullable Object again) {
		Command command = scenario.command();
		JdbcClient jdbc = database.jdbc();
		List<String> problems = new ArrayList<>();
		int expected = (command.runs() || command == Command.VERIFY) ? 1 : 0;
		Map<Integer, Long> counters = new TreeMap<>();
		jdbc.sql("SELECT counter, count(*) FROM " + CounterBackfill.TABLE + " GROUP BY counter").query((rs) -> {
			counters.put(rs.getInt(1), rs.getLong(2));
		});
		if (!counters.equals(Map.of(expected, (long) CounterBackfill.ROWS))) {
			problems.add("counters " + counters + " (value=rows), expected every row at " + expected);
		}
		BackfillState state = TestOperators.operator(database.pool(), variant.backfill())
			.status(variant.name())
			.state();
		BackfillState expectedState = switch (command) {
			case RUN, RUN_IN_PARTITIONS, VERIFY -> BackfillState.COMPLETED;
			case ROLLBACK -> BackfillState.ROLLED_BACK;
			case DRY_RUN -> BackfillState.NEVER_RUN;
		};
		if (state != expectedState) {
			problems.add("status " + state + ", expected " + expectedState);
		}
		if (RunLock.isHeld(database.pool(), variant.name())) {
			problems.add("the run lock is still held by " + RunLock.holder(database.pool(), variant.name()));
		}
		switch (command) {
			case RUN -> walk(jdbc, variant, variant.name(), CounterBackfill.ROWS, problems);
			case RUN_IN_PARTITIONS -> walkInPartitions(jdbc, variant.name(), problems);
			// a rollback undoes what the run committed: all of it, or the 3 batches of a
			// run that died
			case ROLLBACK -> walk(jdbc, variant, variant.name() + ":rollback",
					(scenario.state() == State.DEAD) ? 3 * CounterBackfill.BATCH_SIZE : CounterBackfill.ROWS, problems);
			case VERIFY -> {
				if (!(again instanceof Verification v) || !v.passed() || v.keysChecked() != CounterBackfill.ROWS) {
					problems.add("verify again returned " + again + ", expected a pass over " + CounterBackfill.ROWS
							+ " keys");
				}
			}
			case DRY_RUN -> {
				if (!(again instanceof Estimate e) || e.samples().isEmpty()) {
					problems.add("dry-run again returned " + again + ", expected an estimate with samples");
				}
				if (!new JdbcBatchLog(jdbc, "BACKFILL_").find(variant.name()).isEmpty()) {
					problems.add("a dry-run logged committed batches");
				}
			}
		}
		return problems;
	}

	/**
	 * @return whether a run or a rollback is recorded as finished (COMPLETED,
	 * ROLLED_BACK), so that there is nothing to run again; a verify or a dry-run is
	 * always run again after a failure
	 */
	static boolean finished(Databases.Database database, Variant variant, Command command) {
		BackfillState state = TestOperators.operator(database.pool(), variant.backfill())
			.status(variant.name())
			.state();
		return (command.runs() && state == BackfillState.COMPLETED)
				|| (command == Command.ROLLBACK && state == BackfillState.ROLLED_BACK);
	}

	// the batches of the job instance that committed last, in two partitions: each one
	// contiguous walk, together every row once (which the counters show key by key)
	private static void walkInPartitions(JdbcClient jdbc, String name, List<String> problems) {
		Map<Integer, List<BatchRecord>> partitions = lastInstance(jdbc, name).stream()
			.collect(Collectors.groupingBy(BatchRecord::partition, TreeMap::new, Collectors.toList()));
		if (!partitions.keySet().equals(Set.of(1, 2))) {
			problems.add(name + " logged batches of partitions " + partitions.keySet() + ", expected [1, 2]");
		}
		partitions.forEach((partition, log) -> {
			try {
				BatchLogAssert.assertContiguous(log);
			}
			catch (AssertionError ex) {
				problems.add(name + " partition " + partition + "'s batches are not contiguous: "
						+ ex.getMessage().strip().lines().findFirst().orElse(""));
			}
		});
		long rows = partitions.values().stream().flatMap(List::stream).mapToLong(BatchRecord::rowsAffected).sum();
		if (rows != CounterBackfill.ROWS) {
			problems.add(name + "'s batches changed " + rows + " rows, expected " + CounterBackfill.ROWS);
		}
	}

	private static List<BatchRecord> lastInstance(JdbcClient jdbc, String name) {
		List<Long> executions = jdbc.sql(RANGE_OWNER).param("name", name).query(Long.class).list();
		return new JdbcBatchLog(jdbc, "BACKFILL_").find(name)
			.stream()
			.filter((b) -> executions.contains(b.jobExecutionId()))
			.toList();
	}

	// the batches of the job instance that committed last: one walk from the first key
	// over the first keys
	private static void walk(JdbcClient jdbc, Variant variant, String name, int keys, List<String> problems) {
		List<BatchRecord> log = lastInstance(jdbc, name);
		if (log.isEmpty()) {
			problems.add(name + " logged no batch");
			return;
		}
		try {
			BatchLogAssert.assertContiguous(log);
		}
		catch (AssertionError ex) {
			problems
				.add(name + "'s batches are not contiguous: " + ex.getMessage().strip().lines().findFirst().orElse(""));
		}
		// the first batch starts at the smallest key itself, included
		KeyColumn key = variant.key();
		String first = jdbc
			.sql("SELECT " + key.text() + " AS k FROM " + CounterBackfill.TABLE + " ORDER BY " + key.order()
					+ " LIMIT 1")
			.query(String.class)
			.single();
		String last = jdbc
			.sql("SELECT " + key.text() + " AS k FROM " + CounterBackfill.TABLE + " ORDER BY " + key.order()
					+ " OFFSET ? LIMIT 1")
			.param(keys - 1)
			.query(String.class)
			.single();
		if (!log.get(0).fromKey().equals(first) || !log.get(0).fromIncluded()
				|| !log.get(log.size() - 1).toKey().equals(last)) {
			problems.add(name + "'s batches cover " + (log.get(0).fromIncluded() ? "[" : "(") + log.get(0).fromKey()
					+ ", " + log.get(log.size() - 1).toKey() + "], expected [" + first + ", " + last + "]");
		}
		long rows = log.stream().mapToLong(BatchRecord::rowsAffected).sum();
		if (rows != keys) {
			problems.add(name + "'s batches changed " + rows + " rows, expected " + keys);
		}
	}

}

package dev.backfill;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kills a JVM in the middle of a run and resumes it, or rolls it back: a deliberately
 * non-idempotent backfill ({@code counter + 1}, rolled back by {@code counter - 1}) shows
 * that every row was changed exactly once, and the batch log that no range was skipped or
 * redone.
 */
class CrashResumeTest extends DatabaseTest {

	static final String NAME = "crash-counter";

	static final String ROLLED_BACK = "crash-rollback";

	static final String SPLIT = "crash-split";

	static final String SPLIT_UNDONE = "crash-split-undone";

	static final String COMPOSITE = "crash-composite";

	private static final int ROWS = 20_000;

	@BeforeAll
	static void createTables() {
		jdbc.sql("CREATE TABLE crash_counter (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
		jdbc.sql("INSERT INTO crash_counter (id) SELECT g FROM generate_series(1, ?) g").param(ROWS).update();
		jdbc.sql("CREATE TABLE crash_split (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
		jdbc.sql("INSERT INTO crash_split (id) SELECT g FROM generate_series(1, ?) g").param(ROWS).update();
		jdbc.sql("ANALYZE crash_split").update();
		jdbc.sql("CREATE TABLE crash_split_undone (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
		jdbc.sql("INSERT INTO crash_split_undone (id) SELECT g FROM generate_series(1, ?) g").param(ROWS).update();
		jdbc.sql("ANALYZE crash_split_undone").update();
		// a composite key of a bigint and a uuid, the tenants' rows interleaved
		jdbc.sql("""
				CREATE TABLE crash_composite (tenant bigint NOT NULL, id uuid NOT NULL,
				  counter int NOT NULL DEFAULT 0, PRIMARY KEY (tenant, id))""").update();
		jdbc.sql("INSERT INTO crash_composite (tenant, id) SELECT g % 13, md5(g::text)::uuid "
				+ "FROM generate_series(1, ?) g")
			.param(ROWS)
			.update();
		jdbc.sql("CREATE TABLE crash_rollback (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
		jdbc.sql("INSERT INTO crash_rollback (id) SELECT g FROM generate_series(1, ?) g").param(ROWS).update();
	}

	static Backfill backfill(String name) {
		String table = name.replace('-', '_');
		if (name.equals(COMPOSITE)) {
			String range = " WHERE (tenant, id) > :from AND (tenant, id) <= :to";
			return Backfill.sql(name)
				.table(table)
				.key("tenant", "id")
				.pending("counter = 0")
				.update("WITH pause AS (SELECT pg_sleep(0.02)) UPDATE " + table
						+ " SET counter = counter + 1 FROM pause" + range)
				.rollback("UPDATE " + table + " SET counter = counter - 1" + range)
				.batchSize(200)
				.build();
		}
		return Backfill.sql(name)
			.table(table)
			.key("id")
			.pending("counter = 0")
			// not idempotent on purpose, and slow enough to be killed in the middle
			.update("WITH pause AS (SELECT pg_sleep(0.02)) UPDATE " + table
					+ " SET counter = counter + 1 FROM pause WHERE id > :from AND id <= :to")
			// not idempotent either: a row rolled back that the run never reached goes to
			// -1
			.rollback("UPDATE " + table + " SET counter = counter - 1 WHERE id > :from AND id <= :to")
			.batchSize(200)
			.build();
	}

	@Test
	void killedRunResumesWithEveryRowChangedExactlyOnce() throws Exception {
		killChildAfter(NAME, 15);
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill(NAME));
		BackfillStatus dead = operator.status(NAME);
		assertThat(dead.state()).isEqualTo(BackfillState.DEAD);
		assertThat(dead.batches()).isGreaterThanOrEqualTo(15);
		long committedBeforeKill = logged(NAME);
		assertThat(count("SELECT count(*) FROM crash_counter WHERE counter = 0"))
			.isEqualTo(ROWS - 200 * committedBeforeKill);

		BackfillResult resumed = operator.run(NAME, RunOptions.defaults(), ProgressListener.NONE);
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(resumed.resumed()).isTrue();
		assertThat(resumed.rows()).isEqualTo(ROWS - 200 * committedBeforeKill);
		assertThat(count("SELECT count(*) FROM crash_counter WHERE counter <> 1")).isZero();
		assertThat(count("SELECT count(*) FROM crash_counter")).isEqualTo(ROWS);

		List<BatchRecord> log = new JdbcBatchLog(jdbc, "BACKFILL_").find(NAME);
		assertContiguous(log);
		assertThat(log.get(0).fromKey()).isEqualTo("1");
		assertThat(log.get(0).fromIncluded()).isTrue();
		assertThat(log.get(log.size() - 1).toKey()).isEqualTo(String.valueOf(ROWS));
		assertThat(log.stream().mapToLong(BatchRecord::rowsAffected).sum()).isEqualTo(ROWS);
		assertThat(log.stream().map(BatchRecord::jobExecutionId).distinct().count()).isEqualTo(2);
		assertThat(operator.status(NAME).state()).isEqualTo(BackfillState.COMPLETED);
	}

	@Test
	void killedRunOnACompositeKeyResumesWithEveryRowChangedExactlyOnce() throws Exception {
		killChildAfter(COMPOSITE, 12);
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill(COMPOSITE));
		BackfillStatus dead = operator.status(COMPOSITE);
		assertThat(dead.state()).isEqualTo(BackfillState.DEAD);
		long committedBeforeKill = logged(COMPOSITE);
		assertThat(committedBeforeKill).isGreaterThanOrEqualTo(12);
		// the checkpoint is the last committed batch's key tuple, as JSON
		List<BatchRecord> before = new JdbcBatchLog(jdbc, "BACKFILL_").find(COMPOSITE);
		assertThat(dead.lastKey()).isEqualTo(before.get(before.size() - 1).toKey()).startsWith("[").endsWith("\"]");
		assertThat(count("SELECT count(*) FROM crash_composite WHERE counter = 0"))
			.isEqualTo(ROWS - 200 * committedBeforeKill);

		BackfillResult resumed = operator.run(COMPOSITE, RunOptions.defaults(), ProgressListener.NONE);
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(resumed.resumed()).isTrue();
		assertThat(resumed.rows()).isEqualTo(ROWS - 200 * committedBeforeKill);
		assertThat(count("SELECT count(*) FROM crash_composite WHERE counter <> 1")).isZero();

		List<BatchRecord> log = new JdbcBatchLog(jdbc, "BACKFILL_").find(COMPOSITE);
		assertContiguous(log);
		assertThat(log.get(0).fromKey()).isEqualTo(jdbc
			.sql("SELECT CAST(json_build_array(tenant, id) AS text) FROM crash_composite ORDER BY tenant, id LIMIT 1")
			.query(String.class)
			.single());
		assertThat(log.get(log.size() - 1).toKey())
			.isEqualTo(jdbc.sql("SELECT CAST(json_build_array(tenant, id) AS text) FROM crash_composite "
					+ "ORDER BY tenant DESC, id DESC LIMIT 1")
				.query(String.class)
				.single());
		assertThat(log.stream().mapToLong(BatchRecord::rowsAffected).sum()).isEqualTo(ROWS);
		assertThat(log.stream().map(BatchRecord::jobExecutionId).distinct().count()).isEqualTo(2);

		// and a rollback undoes exactly what the two executions committed
		BackfillResult rollback = operator.rollback(COMPOSITE, ProgressListener.NONE);
		assertThat(rollback.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(rollback.rows()).isEqualTo(ROWS);
		assertThat(count("SELECT count(*) FROM crash_composite WHERE counter <> 0")).isZero();
	}

	@Test
	void killedPartitionedRunResumesEachPartitionFromItsOwnCheckpoint() throws Exception {
		ChildRun.killAfter(dataSource, SPLIT, 24, 4);
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill(SPLIT));
		BackfillStatus dead = operator.status(SPLIT);
		assertThat(dead.state()).isEqualTo(BackfillState.DEAD);
		assertThat(dead.partitions()).hasSize(4);
		assertThat(dead.partitions()).anySatisfy((p) -> assertThat(p.state()).isEqualTo(BackfillState.DEAD));
		long committedBeforeKill = logged(SPLIT);
		assertThat(dead.batches()).isEqualTo(committedBeforeKill);
		assertThat(count("SELECT count(*) FROM crash_split WHERE counter = 1")).isEqualTo(dead.rowsDone());

		BackfillResult resumed = operator.run(SPLIT, RunOptions.defaults(), ProgressListener.NONE);
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(resumed.resumed()).isTrue();
		assertThat(resumed.rowsDone()).isEqualTo(ROWS);
		assertThat(count("SELECT count(*) FROM crash_split WHERE counter <> 1")).isZero();

		Map<Integer, List<BatchRecord>> partitions = new JdbcBatchLog(jdbc, "BACKFILL_").find(SPLIT)
			.stream()
			.collect(Collectors.groupingBy(BatchRecord::partition, TreeMap::new, Collectors.toList()));
		assertThat(partitions.keySet()).containsExactly(1, 2, 3, 4);
		partitions.values().forEach((log) -> assertContiguous(log));
		assertThat(partitions.values().stream().flatMap(List::stream).mapToLong(BatchRecord::rowsAffected).sum())
			.isEqualTo(ROWS);
		assertThat(operator.status(SPLIT).partitions())
			.allSatisfy((p) -> assertThat(p.state()).isEqualTo(BackfillState.COMPLETED));
	}

	@Test
	void killedPartitionedRunIsRolledBackOverExactlyTheStretchesItsPartitionsCommitted() throws Exception {
		ChildRun.killAfter(dataSource, SPLIT_UNDONE, 20, 4);
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill(SPLIT_UNDONE));
		long changed = count("SELECT count(*) FROM crash_split_undone WHERE counter = 1");
		assertThat(changed).isPositive().isLessThan(ROWS);
		// each partition stopped part way: stretches of changed rows with gaps between
		BackfillResult rollback = operator.rollback(SPLIT_UNDONE, new RunOptions(0, 2), ProgressListener.NONE);
		assertThat(rollback.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(rollback.rowsDone()).isEqualTo(changed);
		// the rollback is not idempotent either: a row it reached that the run had not
		// is -1
		assertThat(count("SELECT count(*) FROM crash_split_undone WHERE counter <> 0")).isZero();
		assertThat(operator.run(SPLIT_UNDONE, RunOptions.defaults(), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM crash_split_undone WHERE counter <> 1")).isZero();
	}

	@Test
	void killedRunIsRolledBackOverExactlyTheRangesItCommitted() throws Exception {
		killChildAfter(ROLLED_BACK, 10);
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill(ROLLED_BACK));
		assertThat(operator.status(ROLLED_BACK).state()).isEqualTo(BackfillState.DEAD);
		long committed = logged(ROLLED_BACK);
		assertThat(count("SELECT count(*) FROM crash_rollback WHERE counter = 1")).isEqualTo(200 * committed);

		// a row the application inserted below the run's first range since: in no
		// committed range
		jdbc.sql("INSERT INTO crash_rollback (id) VALUES (-5)").update();
		BackfillResult rollback = operator.rollback(ROLLED_BACK, ProgressListener.NONE);
		assertThat(rollback.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(rollback.rows()).isEqualTo(200 * committed);
		// a row the rollback missed is still 1; a row it reached that the run had not, or
		// twice, is -1 or less
		assertThat(count("SELECT count(*) FROM crash_rollback WHERE counter <> 0")).isZero();
		List<BatchRecord> undone = new JdbcBatchLog(jdbc, "BACKFILL_").find(ROLLED_BACK + ":rollback");
		assertContiguous(undone);
		assertThat(undone.get(undone.size() - 1).toKey()).isEqualTo(String.valueOf(200 * committed));
		assertThat(operator.status(ROLLED_BACK).state()).isEqualTo(BackfillState.ROLLED_BACK);

		// nothing was committed since: a second rollback has nothing to undo
		assertThat(operator.rollback(ROLLED_BACK, ProgressListener.NONE).state())
			.isEqualTo(BackfillState.NOTHING_TO_ROLL_BACK);
		assertThat(count("SELECT count(*) FROM crash_rollback WHERE counter <> 0")).isZero();

		// and the next run starts from the first key, not from the dead run's checkpoint
		BackfillResult again = operator.run(ROLLED_BACK, RunOptions.defaults(), ProgressListener.NONE);
		assertThat(again.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(again.resumed()).isFalse();
		assertThat(again.rows()).isEqualTo(ROWS + 1);
		assertThat(count("SELECT count(*) FROM crash_rollback WHERE counter <> 1")).isZero();
	}

	@Test
	void oneWayBackfillRefusesToRollBackWithItsReason() {
		Backfill oneWay = Backfill.sql("one-way")
			.table("crash_rollback")
			.key("id")
			.pending("counter = 0")
			.update("UPDATE crash_rollback SET counter = 1 WHERE id > :from AND id <= :to")
			.oneWay("the old values are dropped; restore column counter from the nightly backup")
			.build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, oneWay);
		assertThatThrownBy(() -> operator.rollback("one-way", ProgressListener.NONE))
			.isInstanceOf(OneWayBackfillException.class)
			.hasMessageContaining("one-way")
			.hasMessageContaining("restore column counter from the nightly backup");
	}

	private static void killChildAfter(String name, int batches) throws Exception {
		ChildRun.killAfter(dataSource, name, batches);
	}

	private static long logged(String name) {
		return ChildRun.logged(dataSource, name);
	}

}

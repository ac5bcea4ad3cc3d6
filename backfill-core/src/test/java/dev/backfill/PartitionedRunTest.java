package dev.backfill;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.Counters;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs split into partitions walked side by side, with a non-idempotent counter: every
 * row is changed exactly once, each partition's log is contiguous, and the partitions
 * together cover the table with no overlap.
 */
class PartitionedRunTest extends DatabaseTest {

	@Test
	void everyRowOnceAcrossPartitions() {
		Counters.create(jdbc, "split_counters", 20_000);
		Backfill backfill = Counters.counting("split-counters", "split_counters", 500, 0);
		List<String> finished = new ArrayList<>();
		ProgressListener listener = finishedInto(finished);
		BackfillResult result = TestOperators.operator(dataSource, backfill)
			.run("split-counters", new RunOptions(0, 4), listener);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		// once for the run, not once per partition
		assertThat(finished).containsExactly("split-counters");
		assertThat(result.rows()).isEqualTo(20_000);
		assertThat(result.rowsDone()).isEqualTo(20_000);
		assertThat(count("SELECT count(*) FROM split_counters WHERE counter <> 1")).isZero();
		Map<Integer, List<BatchRecord>> partitions = partitions("split-counters");
		assertThat(partitions).hasSize(4);
		partitions.values().forEach((log) -> assertContiguous(log));
		BackfillStatus status = TestOperators.operator(dataSource, backfill).status("split-counters");
		assertThat(status.partitions()).hasSize(4)
			.allSatisfy((p) -> assertThat(p.state()).isEqualTo(BackfillState.COMPLETED));
		assertThat(status.rowsDone()).isEqualTo(20_000);
		assertThat(status.partitions().stream().mapToLong(PartitionStatus::rowsDone).sum()).isEqualTo(20_000);
	}

	@Test
	void aRunInOneStepIsFinishedOnceToo() {
		Counters.create(jdbc, "whole_counters", 3_000);
		Backfill backfill = Counters.counting("whole-counters", "whole_counters", 500, 0);
		List<String> finished = new ArrayList<>();
		ProgressListener listener = finishedInto(finished);
		assertThat(TestOperators.operator(dataSource, backfill)
			.run("whole-counters", RunOptions.defaults(), listener)
			.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(finished).containsExactly("whole-counters");
	}

	@Test
	void rollbackIsSplitIntoPartitionsToo() {
		Counters.create(jdbc, "split_undone", 12_000);
		jdbc.sql("ANALYZE split_undone").update();
		Backfill backfill = Counters.counting("split-undone", "split_undone", 500, 0);
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		assertThat(operator.run("split-undone", RunOptions.defaults(), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
		BackfillResult rollback = operator.rollback("split-undone", new RunOptions(0, 3), ProgressListener.NONE);
		assertThat(rollback.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(rollback.rowsDone()).isEqualTo(12_000);
		assertThat(count("SELECT count(*) FROM split_undone WHERE counter <> 0")).isZero();
		Map<Integer, List<BatchRecord>> undone = partitions("split-undone:rollback");
		assertThat(undone).hasSize(3);
		undone.values().forEach((log) -> assertContiguous(log));
	}

	@Test
	void verifyIsSplitIntoPartitionsToo() {
		Counters.create(jdbc, "split_checked", 12_000);
		jdbc.sql("ANALYZE split_checked").update();
		Backfill backfill = Counters.counting("split-checked", "split_checked", 500, 0);
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		assertThat(operator.run("split-checked", new RunOptions(0, 2), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
		// two rows the run missed, in different partitions
		jdbc.sql("UPDATE split_checked SET counter = 0 WHERE id IN (17, 11017)").update();
		Verification verification = operator.verify("split-checked", new RunOptions(0, 4));
		assertThat(verification.keysChecked()).isEqualTo(12_000);
		assertThat(verification.discrepancies()).isEqualTo(2);
		assertThat(verification.firstKeys()).containsExactlyInAnyOrder("17", "11017");
		assertThat(count("SELECT count(DISTINCT JOB_EXECUTION_ID) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE "
				+ "'partition:%' AND JOB_EXECUTION_ID = " + verification.jobExecutionId()))
			.isEqualTo(1);
		assertThat(count("SELECT count(*) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE 'partition:%' "
				+ "AND JOB_EXECUTION_ID = " + verification.jobExecutionId()))
			.isEqualTo(4);
		assertThat(operator.status("split-checked").verification().discrepancies()).isEqualTo(2);
	}

	@Test
	void textKeysSplitInCollationOrder() {
		jdbc.sql("""
				CREATE TABLE split_text (code text PRIMARY KEY, counter int NOT NULL DEFAULT 0);
				INSERT INTO split_text (code)
				SELECT CASE g % 3 WHEN 0 THEN 'k' WHEN 1 THEN 'K' ELSE 'a ' END || lpad(g::text, 6, '0')
				FROM generate_series(1, 6000) g ORDER BY random();
				ANALYZE split_text""").update();
		runCounting("split-text", "split_text", "code", 3);
	}

	@Test
	void uuidKeysSplit() {
		jdbc.sql("""
				CREATE TABLE split_uuid (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), counter int NOT NULL DEFAULT 0);
				INSERT INTO split_uuid (counter) SELECT 0 FROM generate_series(1, 6000);
				ANALYZE split_uuid""").update();
		runCounting("split-uuid", "split_uuid", "id", 4);
	}

	@Test
	void sparseKeysSplit() {
		jdbc.sql("""
				CREATE TABLE split_sparse (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0);
				INSERT INTO split_sparse (id) SELECT 1 + g * 10 FROM generate_series(0, 4998) g;
				INSERT INTO split_sparse (id) SELECT 5000000 + g FROM generate_series(1, 1000) g;
				INSERT INTO split_sparse (id) VALUES (9000000000);
				ANALYZE split_sparse""").update();
		runCounting("split-sparse", "split_sparse", "id", 4);
	}

	// Spring Batch creates a partition's execution, with an empty context, in a
	// transaction of its own, and saves its context in the next: a process that died
	// between the two (the splitter's, or a hand-out again to another worker) left an
	// execution that names no partition, which a resume once took as a walk of the whole
	// table
	@Test
	void aPartitionExecutionCutShortBeforeItsContextResumesWithinItsOwnKeys() throws Exception {
		Counters.create(jdbc, "split_cut", 12_000);
		jdbc.sql("ANALYZE split_cut").update();
		Backfill backfill = Counters.counting("split-cut", "split_cut", 500, 0);
		AtomicReference<JobRepository> repository = new AtomicReference<>();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, BackfillSettings.DEFAULTS, List.of(),
				(r) -> {
					repository.set(r);
					return r;
				}, backfill);
		AtomicInteger batches = new AtomicInteger();
		BackfillResult stopped = operator.run("split-cut", new RunOptions(0, 3), (progress) -> {
			if (batches.incrementAndGet() == 4) {
				operator.stop("split-cut");
			}
		});
		assertThat(stopped.state()).isEqualTo(BackfillState.STOPPED);
		long done = count("SELECT count(*) FROM split_cut WHERE counter = 1");
		assertThat(done).isBetween(1L, 11_999L);
		JobExecution last = repository.get()
			.getLastJobExecution(repository.get().getJobInstances("split-cut", 0, 1).get(0));
		for (String partition : new String[] { "partition:p0001", "partition:p0002" }) {
			repository.get().createStepExecution(partition, last);
		}
		// and one whose only execution lost its context, though its batches are logged:
		// its keys come from the plan, its checkpoint from the batch log
		StepExecution third = last.getStepExecutions()
			.stream()
			.filter((step) -> step.getStepName().equals("partition:p0003"))
			.findFirst()
			.orElseThrow();
		third.setExecutionContext(new ExecutionContext());
		repository.get().updateExecutionContext(third);

		BackfillResult resumed = TestOperators.operator(dataSource, backfill)
			.run("split-cut", new RunOptions(0, 3), ProgressListener.NONE);
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM split_cut WHERE counter <> 1")).isZero();
		assertThat(resumed.rows()).isEqualTo(12_000 - done);
		Map<Integer, List<BatchRecord>> partitions = partitions("split-cut");
		assertThat(partitions).hasSize(3);
		partitions.values().forEach((log) -> assertContiguous(log));
		BackfillStatus status = TestOperators.operator(dataSource, backfill).status("split-cut");
		assertThat(status.partitions()).hasSize(3)
			.allSatisfy((p) -> assertThat(p.state()).isEqualTo(BackfillState.COMPLETED));
		assertThat(status.rowsDone()).isEqualTo(12_000);
	}

	private void runCounting(String name, String table, String key, int parallelism) {
		Backfill backfill = Backfill.sql(name)
			.table(table)
			.key(key)
			.pending("counter = 0")
			.update("UPDATE %1$s SET counter = counter + 1 WHERE %2$s > :from AND %2$s <= :to".formatted(table, key))
			.rollback("UPDATE %1$s SET counter = 0 WHERE %2$s > :from AND %2$s <= :to".formatted(table, key))
			.batchSize(400)
			.build();
		BackfillResult result = TestOperators.operator(dataSource, backfill)
			.run(name, new RunOptions(0, parallelism), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		long rows = count("SELECT count(*) FROM " + table);
		assertThat(result.rows()).isEqualTo(rows);
		assertThat(count("SELECT count(*) FROM " + table + " WHERE counter <> 1")).isZero();
		Map<Integer, List<BatchRecord>> partitions = partitions(name);
		assertThat(partitions).hasSizeGreaterThan(1);
		partitions.values().forEach((log) -> assertContiguous(log));
		assertThat(partitions.values().stream().flatMap(List::stream).mapToLong(BatchRecord::keys).sum())
			.isEqualTo(rows);
		// a rollback undoes every partition's range
		BackfillResult rollback = TestOperators.operator(dataSource, backfill).rollback(name, ProgressListener.NONE);
		assertThat(rollback.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM " + table + " WHERE counter <> 0")).isZero();
	}

	private static Map<Integer, List<BatchRecord>> partitions(String name) {
		return new JdbcBatchLog(jdbc, "BACKFILL_").find(name)
			.stream()
			.collect(Collectors.groupingBy(BatchRecord::partition, TreeMap::new, Collectors.toList()));
	}

	// tells only the names of the runs that finished
	private static ProgressListener finishedInto(List<String> finished) {
		return new ProgressListener() {
			@Override
			public void onBatch(Progress progress) {
			}

			@Override
			public void onFinished(String name) {
				finished.add(name);
			}
		};
	}

}

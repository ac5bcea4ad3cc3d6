package dev.backfill.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.backfill.Backfill;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;
import dev.backfill.DryRunOptions;
import dev.backfill.Estimate;
import dev.backfill.KeyRange;
import dev.backfill.Progress;
import dev.backfill.RunOptions;
import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What every form of backfill guarantees, run against real PostgreSQL. A subclass
 * declares one backfill over a table {@code (id bigint primary key, ...)} and says how to
 * tell a done row from a pending one.
 */
public abstract class AbstractBackfillContractTest extends DatabaseTest {

	private static final AtomicInteger tables = new AtomicInteger();

	/** Declares the backfill under test; its batches must update table {@code table}. */
	protected abstract Backfill backfill(String name, String table, int batchSize);

	/** Creates {@code table} with rows {@code 1..rows}, every one pending. */
	protected abstract void createTable(String table, int rows);

	/** Inserts pending rows {@code from..to} into {@code table}. */
	protected abstract void insertRows(String table, long from, long to);

	/** Counts the rows of {@code table} that still need work. */
	protected abstract long pending(String table);

	/** A checksum of every row's backfilled columns. */
	protected abstract String checksum(String table);

	@Test
	void runsToCompletionInKeysetBatches() {
		Fixture f = fixture(2_500, 1_000);
		BackfillResult result = f.run();
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.rows()).isEqualTo(2_500);
		assertThat(pending(f.table)).isZero();
		List<BatchRecord> log = f.log();
		assertContiguous(log);
		assertThat(log).extracting(BatchRecord::toKey).containsExactly("1000", "2000", "2500");
		assertThat(log).extracting(BatchRecord::rowsAffected).containsExactly(1_000L, 1_000L, 500L);
		// the first batch starts at the smallest key itself
		assertThat(log.get(0).fromKey()).isEqualTo("1");
		assertThat(log.get(0).fromIncluded()).isTrue();
	}

	@Test
	void runningTwiceChangesNothing() {
		Fixture f = fixture(1_200, 500);
		f.run();
		String after = checksum(f.table);
		BackfillResult second = f.run();
		assertThat(second.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(second.resumed()).isFalse();
		assertThat(second.rows()).isZero();
		assertThat(checksum(f.table)).isEqualTo(after);
	}

	@Test
	void resumesFromLastCheckpoint() {
		Fixture f = fixture(3_000, 1_000);
		// a row in the second batch refuses to change: the run fails inside batch 2
		f.refuse(1_500);
		BackfillResult failed = f.run();
		assertThat(failed.state()).isEqualTo(BackfillState.FAILED);
		assertThat(failed.failure()).contains("refusing row 1500");
		BackfillStatus status = f.operator.status(f.name);
		assertThat(status.state()).isEqualTo(BackfillState.FAILED);
		assertThat(status.lastKey()).isEqualTo("1000");
		assertThat(status.rowsDone()).isEqualTo(1_000);
		assertThat(pending(f.table)).isEqualTo(2_000);

		f.allow();
		BackfillResult resumed = f.run();
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(resumed.resumed()).isTrue();
		assertThat(resumed.rows()).isEqualTo(2_000);
		assertThat(resumed.rowsDone()).isEqualTo(3_000);
		assertThat(pending(f.table)).isZero();
		List<BatchRecord> log = f.log();
		assertContiguous(log);
		assertThat(log).extracting(BatchRecord::toKey).containsExactly("1000", "2000", "3000");
		assertThat(log.stream().mapToLong(BatchRecord::rowsAffected).sum()).isEqualTo(3_000);
	}

	@Test
	void rollbackUndoesEveryLoggedBatch() {
		Fixture f = fixture(2_500, 1_000);
		String untouched = checksum(f.table);
		f.run();
		BackfillResult rollback = f.operator.rollback(f.name, (p) -> {
		});
		assertThat(rollback.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(rollback.rows()).isEqualTo(2_500);
		assertThat(pending(f.table)).isEqualTo(2_500);
		assertThat(checksum(f.table)).isEqualTo(untouched);
		// logged like a run, batch by batch, over the ranges the run committed
		List<BatchRecord> undone = f.log(f.name + ":rollback");
		assertContiguous(undone);
		assertThat(undone.get(0).fromKey()).isEqualTo("1");
		assertThat(undone.get(0).fromIncluded()).isTrue();
		assertThat(undone.get(undone.size() - 1).toKey()).isEqualTo("2500");
		assertThat(f.operator.status(f.name).state()).isEqualTo(BackfillState.ROLLED_BACK);
		// the next run starts from the first key and does it all again
		BackfillResult again = f.run();
		assertThat(again.resumed()).isFalse();
		assertThat(again.rows()).isEqualTo(2_500);
		assertThat(pending(f.table)).isZero();
	}

	@Test
	void rollbackOfARunThatFailedUndoesOnlyItsCommittedBatches() {
		Fixture f = fixture(3_000, 1_000);
		f.refuse(2_500);
		assertThat(f.run().state()).isEqualTo(BackfillState.FAILED);
		assertThat(pending(f.table)).isEqualTo(1_000);
		f.allow();

		BackfillResult rollback = f.operator.rollback(f.name, (p) -> {
		});
		assertThat(rollback.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(rollback.rows()).isEqualTo(2_000);
		assertThat(pending(f.table)).isEqualTo(3_000);
		List<BatchRecord> undone = f.log(f.name + ":rollback");
		assertContiguous(undone);
		assertThat(undone.get(undone.size() - 1).toKey()).isEqualTo("2000");
	}

	@Test
	void emptyTableCompletesWithoutBatches() {
		Fixture f = fixture(0, 100);
		BackfillResult result = f.run();
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.batches()).isZero();
		assertThat(f.log()).isEmpty();
		assertThat(f.operator.status(f.name).state()).isEqualTo(BackfillState.COMPLETED);
	}

	@Test
	void rowsInsertedAboveTheLargestKeyDuringTheRunAreCovered() {
		Fixture f = fixture(1_000, 300);
		List<Progress> seen = new ArrayList<>();
		BackfillResult result = f.operator.run(f.name, RunOptions.defaults(), (progress) -> {
			if (seen.isEmpty()) {
				insertRows(f.table, 1_001, 1_100);
			}
			seen.add(progress);
		});
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.rows()).isEqualTo(1_100);
		assertThat(pending(f.table)).isZero();
		assertContiguous(f.log());
		assertThat(seen.get(seen.size() - 1).rowsRemainingEstimate()).isZero();
	}

	@Test
	void statusReadsProgressFromTheJobRepository() {
		Fixture f = fixture(2_000, 500);
		assertThat(f.operator.status(f.name).state()).isEqualTo(BackfillState.NEVER_RUN);
		f.run();
		BackfillStatus status = f.operator.status(f.name);
		assertThat(status.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(status.rowsDone()).isEqualTo(2_000);
		assertThat(status.batches()).isEqualTo(4);
		assertThat(status.lastKey()).isEqualTo("2000");
		assertThat(status.rowsRemainingEstimate()).isZero();
		assertThat(status.rowsPerSecond()).isPositive();
		assertThat(status.owner()).contains("pid " + ProcessHandle.current().pid());
	}

	@Test
	void dryRunEstimatesFromStratifiedSamplesAndCommitsNothing() {
		Fixture f = fixture(20_000, 1_000);
		jdbc.sql("ANALYZE " + f.table).update();
		String before = checksum(f.table);
		Estimate estimate = f.operator.dryRun(f.name, DryRunOptions.defaults().withSampleBatches(5));

		assertThat(checksum(f.table)).isEqualTo(before);
		assertThat(pending(f.table)).isEqualTo(20_000);
		assertThat(f.log()).isEmpty();
		assertThat(estimate.batchSize()).isEqualTo(1_000);
		assertThat(estimate.keysEstimate()).isEqualTo(20_000);
		assertThat(estimate.rowsEstimate()).isBetween(18_000L, 22_000L);
		assertThat(estimate.batches()).isEqualTo(20);
		assertThat(estimate.samples()).hasSize(5);
		assertThat(estimate.samples()).allSatisfy((s) -> {
			assertThat(s.keys()).isEqualTo(1_000);
			assertThat(s.rows()).isEqualTo(1_000);
			assertThat(s.walBytes()).isPositive();
			assertThat(s.millis()).isPositive();
		});
		// stratified: the first batch, the last full one, and places between
		assertThat(estimate.samples().get(0).range()).isEqualTo(KeyRange.startingAt(1L, 1_000L));
		assertThat((Long) estimate.samples().get(4).range().to()).isGreaterThanOrEqualTo(19_000L);
		assertThat(estimate.samples().stream().map((s) -> (Long) s.range().from()).distinct()).hasSizeGreaterThan(3);
		assertThat(estimate.estimatedSeconds()).isPositive();
		assertThat(estimate.estimatedSecondsLow()).isLessThanOrEqualTo(estimate.estimatedSecondsHigh());
		assertThat(estimate.walBytesEstimate()).isEqualTo(estimate.walBytesPerBatch() * 20);
		assertThat(estimate.rowsPerBatch()).isEqualTo(1_000.0);
		// five samples, at least two warm-ups, and the idempotency check's first
		// application
		assertThat(estimate.sampleRows()).isGreaterThanOrEqualTo(5_000 + 2 * 1_000 + 1_000);
		assertThat(estimate.idempotent()).isTrue();
		assertThat(estimate.rewrittenRows()).isZero();
		assertThat(estimate.maxBatchMillis()).isLessThan(1_000);
		assertThat(estimate.suggestedBatchSize()).isZero();

		// recorded apart from the run: the backfill has still never run, and status shows
		// the estimate
		BackfillStatus beforeRun = f.operator.status(f.name);
		assertThat(beforeRun.state()).isEqualTo(BackfillState.NEVER_RUN);
		assertThat(beforeRun.estimate()).isNotNull();
		assertThat(beforeRun.estimate().jobExecutionId()).isEqualTo(estimate.jobExecutionId());
		assertThat(beforeRun.estimate().estimatedSeconds()).isEqualTo(estimate.estimatedSeconds());
		assertThat(beforeRun.estimate().idempotent()).isTrue();
		assertThat(beforeRun.estimateError()).isNull();

		f.run();
		BackfillStatus after = f.operator.status(f.name);
		assertThat(after.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(after.rowsDone()).isEqualTo(20_000);
		assertThat(after.runSeconds()).isPositive();
		assertThat(after.estimateError()).isNotNull()
			.isCloseTo(estimate.estimatedSeconds() / after.runSeconds() - 1, within(1e-9));
	}

	private Fixture fixture(int rows, int batchSize) {
		int n = tables.incrementAndGet();
		String table = getClass().getSimpleName().toLowerCase().replace("test", "") + "_" + n;
		String name = "contract-" + table.replace('_', '-');
		createTable(table, rows);
		Backfill backfill = backfill(name, table, batchSize);
		return new Fixture(name, table, TestOperators.operator(dataSource, backfill));
	}

	private record Fixture(String name, String table, DefaultBackfillOperator operator) {

		BackfillResult run() {
			return this.operator.run(this.name, RunOptions.defaults(), (p) -> {
			});
		}

		List<BatchRecord> log() {
			return log(this.name);
		}

		// a trigger makes the update of one row fail, as a constraint a batch meets would
		void refuse(long id) {
			jdbc.sql("""
					CREATE FUNCTION %1$s_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
					BEGIN IF NEW.id = %2$d THEN RAISE EXCEPTION 'refusing row %2$d'; END IF; RETURN NEW; END $$;
					CREATE TRIGGER %1$s_refuse BEFORE UPDATE ON %1$s FOR EACH ROW EXECUTE FUNCTION %1$s_refuse()"""
				.formatted(this.table, id)).update();
		}

		void allow() {
			jdbc.sql("DROP TRIGGER %1$s_refuse ON %1$s".formatted(this.table)).update();
		}

		List<BatchRecord> log(String logName) {
			return new JdbcBatchLog(jdbc, "BACKFILL_").find(logName);
		}

	}

}

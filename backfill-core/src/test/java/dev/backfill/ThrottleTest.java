package dev.backfill;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.Counters;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import dev.backfill.throttle.Autovacuum;
import dev.backfill.throttle.LockWaiters;
import dev.backfill.throttle.MaxRowsPerSecond;
import dev.backfill.throttle.ReplicationLag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throttles asked before every batch: a run held by one waits, holds no transaction, and
 * leaves the time out of its rate.
 */
class ThrottleTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		for (String table : List.of("held_by_user", "capped", "waited_on", "capped_split", "looked_at")) {
			Counters.create(jdbc, table, 6_000);
		}
	}

	private static Backfill counting(String name, String table) {
		return Counters.counting(name, table, 500, 0);
	}

	private static DefaultBackfillOperator operator(Backfill backfill, BackfillThrottle... throttles) {
		return TestOperators.operator(dataSource, BackfillSettings.DEFAULTS, List.of(throttles), backfill);
	}

	@Test
	void userThrottleHoldsTheRunAndItsTimeIsLeftOutOfTheRate() {
		AtomicInteger asked = new AtomicInteger();
		// the application's own objective: hold three times before the third batch
		BackfillThrottle slo = (context) -> {
			int n = asked.incrementAndGet();
			return (n >= 3 && n <= 5)
					? BackfillThrottle.Decision.hold("p99 latency over 200 ms", Duration.ofMillis(300))
					: BackfillThrottle.Decision.proceed();
		};
		DefaultBackfillOperator operator = operator(counting("held-by-user", "held_by_user"), slo);
		BackfillResult result = operator.run("held-by-user", RunOptions.defaults(), (p) -> {
		});
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.wallTime()).isGreaterThan(Duration.ofMillis(850));
		BackfillStatus status = operator.status("held-by-user");
		assertThat(status.throttledSeconds()).isGreaterThan(0.85).isLessThan(result.wallTime().toMillis() / 1000.0);
		// the rate counts working time only: higher than rows over wall time
		assertThat(status.rowsPerSecond()).isGreaterThan(6_000 / (result.wallTime().toMillis() / 1000.0));
		assertThat(count("SELECT count(*) FROM held_by_user WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("held-by-user"));
	}

	@Test
	void aGoAheadThatStandsIsNotAskedAgainUntilItsTimeIsUp() {
		AtomicInteger everyBatch = new AtomicInteger();
		AtomicInteger standing = new AtomicInteger();
		BackfillThrottle asked = (context) -> {
			everyBatch.incrementAndGet();
			return BackfillThrottle.Decision.proceed();
		};
		// a look at the database that holds for an hour: asked once for the whole run
		BackfillThrottle stands = (context) -> {
			standing.incrementAndGet();
			return BackfillThrottle.Decision.proceedFor(Duration.ofHours(1));
		};
		BackfillResult result = operator(counting("looked-at", "looked_at"), asked, stands).run("looked-at",
				RunOptions.defaults(), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.batches()).isEqualTo(12);
		assertThat(everyBatch).hasValueGreaterThanOrEqualTo(12);
		assertThat(standing).hasValue(1);
	}

	@Test
	void rateCapHoldsTheRunAsAWholeAcrossItsPartitions() {
		DefaultBackfillOperator operator = operator(counting("capped-split", "capped_split"),
				new MaxRowsPerSecond(4_000));
		BackfillResult result = operator.run("capped-split", new RunOptions(0, 4), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM capped_split WHERE counter <> 1")).isZero();
		// four partitions share the cap: 6,000 rows at 4,000 rows/s, not four times that;
		// the last batches may start after 4,000 rows, at 1 s
		assertThat(result.wallTime()).isGreaterThan(Duration.ofMillis(1_000));
	}

	@Test
	void rateCapSpreadsTheRunOverTime() {
		DefaultBackfillOperator operator = operator(counting("capped", "capped"), new MaxRowsPerSecond(4_000));
		List<Progress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
		BackfillResult result = operator.run("capped", RunOptions.defaults(), progress::add);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		// the cap's rests are the run's pace: with 3,500 rows left at 4,000 rows/s the
		// ETA is about a second, where the working speed alone (thousands of rows in a
		// few ms) would say 0
		assertThat(progress).filteredOn((p) -> p.batchNo() == 6)
			.singleElement()
			.satisfies((p) -> assertThat(p.etaSeconds()).isBetween(1L, 2L));
		// 6,000 rows at 4,000 rows/s: the last batch may start after 5,500 rows, at 1.375
		// s
		assertThat(result.wallTime()).isGreaterThan(Duration.ofMillis(1_300)).isLessThan(Duration.ofSeconds(4));
		assertThat(operator.status("capped").throttledSeconds()).isPositive();
	}

	@Test
	void sessionsWaitingOnTheTableHoldTheRunUntilTheyAreServed() throws Exception {
		DefaultBackfillOperator operator = operator(counting("waited-on", "waited_on"), new LockWaiters(0),
				new ReplicationLag(Duration.ofSeconds(10)), new Autovacuum());
		// the application: one transaction holds a row, another queues behind it, for 1.5
		// s
		Connection holder = dataSource.getConnection();
		holder.setAutoCommit(false);
		holder.createStatement().execute("SELECT * FROM waited_on WHERE id = 3000 FOR UPDATE");
		CompletableFuture<Void> queued = CompletableFuture.runAsync(() -> {
			try (Connection waiter = dataSource.getConnection()) {
				waiter.createStatement().execute("UPDATE waited_on SET counter = counter WHERE id = 3000");
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		CompletableFuture.runAsync(() -> {
			try (holder) {
				TimeUnit.MILLISECONDS.sleep(1_500);
				holder.rollback();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		Thread.sleep(200);
		BackfillResult result = operator.run("waited-on", RunOptions.defaults(), (p) -> {
		});
		queued.get(10, TimeUnit.SECONDS);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.wallTime()).isGreaterThan(Duration.ofMillis(1_000));
		assertThat(operator.status("waited-on").throttledSeconds()).isGreaterThan(1.0);
		assertThat(count("SELECT count(*) FROM waited_on WHERE counter <> 1")).isZero();
	}

}

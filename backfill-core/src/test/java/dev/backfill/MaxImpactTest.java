package dev.backfill;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.backfill.BackfillThrottle.Foreground;
import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import dev.backfill.throttle.MaxImpact;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The impact budget: the engine measures the application's writes while batches run and
 * between them, and {@link MaxImpact} rests the run so that the application keeps its
 * share.
 */
class MaxImpactTest extends DatabaseTest {

	private static final int ROWS = 4_000;

	@BeforeAll
	static void createTables() {
		jdbc.sql("CREATE TABLE app_row (id int PRIMARY KEY, n bigint NOT NULL)").update();
		jdbc.sql("INSERT INTO app_row VALUES (1, 0)").update();
		for (String table : List.of("unrested", "rested", "quiet")) {
			jdbc.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
			jdbc.sql("INSERT INTO " + table + " (id) SELECT g FROM generate_series(1, ?) g").param(ROWS).update();
		}
	}

	// each batch also locks the application's one row for 40 ms: the application stands
	// still while a batch runs
	private static Backfill blocking(String name) {
		return Backfill.sql(name)
			.table(name)
			.key("id")
			.pending("counter = 0")
			.update("WITH app AS (UPDATE app_row SET n = n WHERE id = 1 RETURNING pg_sleep(0.04)) UPDATE " + name
					+ " SET counter = counter + 1 WHERE id > :from AND id <= :to AND EXISTS (SELECT 1 FROM app)")
			.rollback("UPDATE " + name + " SET counter = 0 WHERE id > :from AND id <= :to")
			.batchSize(100)
			.build();
	}

	@Test
	void theApplicationKeepsMostOfItsWritesWhileTheRunRestsAfterEachBatch() throws Exception {
		double alone = applicationRate(null, "");
		double unrested = applicationRate(
				TestOperators.operator(dataSource, BackfillSettings.DEFAULTS, List.of(), blocking("unrested")),
				"unrested");
		DefaultBackfillOperator budgeted = TestOperators.operator(dataSource, BackfillSettings.DEFAULTS,
				List.of(new MaxImpact(0.25)), blocking("rested"));
		double rested = applicationRate(budgeted, "rested");
		// without a budget the application's row is locked nearly all the run; with a
		// quarter, it writes about three quarters of the time (less the first half
		// second, before the engine has seen the run rest)
		String rates = String.format("application alone %.0f writes/s, %.2f of it without a budget, %.2f with", alone,
				unrested / alone, rested / alone);
		assertThat(unrested / alone).as(rates).isLessThan(0.35);
		// on a shared machine the application's own rate between batches varies: the
		// budgeted run leaves it at least three times what the unbudgeted one did (0.31
		// against 0.09 in one CI run under load, above 0.5 on a quiet machine)
		assertThat(rested / alone).as(rates).isGreaterThan(Math.max(0.25, 3 * unrested / alone));
		assertThat(budgeted.status("rested").throttledSeconds()).isGreaterThan(1.5);
		assertThat(count("SELECT count(*) FROM rested WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("rested"));
	}

	@Test
	void aRunOnADatabaseNoOtherSessionWritesToDoesNotRestToSampleIt() {
		// 40 batches of at least 30 ms: more than a second of batches, after which a
		// database with writers is sampled
		Backfill slow = Backfill.sql("quiet")
			.table("quiet")
			.key("id")
			.pending("counter = 0")
			.update("UPDATE quiet SET counter = counter + 1 "
					+ "WHERE id > :from AND id <= :to AND (SELECT pg_sleep(0.03)) IS NOT NULL")
			.rollback("UPDATE quiet SET counter = 0 WHERE id > :from AND id <= :to")
			.batchSize(100)
			.build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, BackfillSettings.DEFAULTS,
				List.of(new MaxImpact(0.05)), slow);
		BackfillResult result = operator.run("quiet", RunOptions.defaults(), (p) -> {
		});
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.wallTime()).isGreaterThan(Duration.ofMillis(1_200));
		assertThat(operator.status("quiet").throttledSeconds()).isZero();
		assertThat(count("SELECT count(*) FROM quiet WHERE counter <> 1")).isZero();
	}

	// the application's write transactions per second, alone for two seconds or during
	// the operator's run
	private static double applicationRate(@Nullable DefaultBackfillOperator operator, String name) throws Exception {
		AtomicBoolean done = new AtomicBoolean();
		AtomicLong writes = new AtomicLong();
		CompletableFuture<Void> application = CompletableFuture.runAsync(() -> {
			try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
				// its rate then follows the row lock the batches take, not how fast this
				// machine flushes WAL, which varies twofold from one second to the next
				statement.execute("SET synchronous_commit = off");
				while (!done.get()) {
					statement.executeUpdate("UPDATE app_row SET n = n + 1 WHERE id = 1");
					writes.incrementAndGet();
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		Thread.sleep(200);
		AtomicLong before = new AtomicLong(writes.get());
		AtomicLong start = new AtomicLong(System.nanoTime());
		if (operator == null) {
			Thread.sleep(2_000);
		}
		else {
			// counted from the first committed batch: the run's start (its checks, its
			// lock, its estimate) holds no lock of the application's, and its length
			// varies from one run to the next on a shared machine
			AtomicBoolean counting = new AtomicBoolean();
			assertThat(operator.run(name, RunOptions.defaults(), (p) -> {
				if (counting.compareAndSet(false, true)) {
					before.set(writes.get());
					start.set(System.nanoTime());
				}
			}).state()).isEqualTo(BackfillState.COMPLETED);
		}
		double rate = (writes.get() - before.get()) / ((System.nanoTime() - start.get()) / 1e9);
		done.set(true);
		application.get(10, TimeUnit.SECONDS);
		return rate;
	}

	@Test
	void restsAfterABatchLongEnoughToKeepTheLossUnderItsShare() {
		// the application writes half as fast while a batch runs; batches of 100 ms and a
		// tenth for the backfill
		Foreground slowed = new Foreground(1_000, 500, 5, 5, Duration.ofMillis(100), Duration.ofMillis(50));
		BackfillThrottle.Decision decision = new MaxImpact(0.1).check(context(slowed));
		// duty 0.1 / 0.5 = 20%: 400 ms of rest after a 100 ms batch, 50 ms of which have
		// passed
		assertThat(decision.holds()).isTrue();
		assertThat(decision.pause()).isEqualTo(Duration.ofMillis(350));
		assertThat(decision.reason()).contains("50% slower").contains("under 10%");
		// within the share, or rested enough: go on
		assertThat(new MaxImpact(0.6).check(context(slowed)).holds()).isFalse();
		Foreground rested = new Foreground(1_000, 500, 5, 5, Duration.ofMillis(100), Duration.ofMillis(400));
		assertThat(new MaxImpact(0.1).check(context(rested)).holds()).isFalse();
	}

	@Test
	void tooFewWritesOrNoRestSaySoAndAreNotTakenForASlowdown() {
		// a quiet database: 2 writes/s cannot tell 20 transactions apart
		Foreground quiet = new Foreground(2, 0, 5, 5, Duration.ofMillis(100), Duration.ZERO);
		assertThat(quiet.slowdown()).isZero();
		assertThat(new MaxImpact(0.1).check(context(quiet)).holds()).isFalse();
		// batches back to back for a while: rest a moment to see the application alone
		Foreground neverRested = new Foreground(1_000, 500, 0.05, 3, Duration.ofMillis(100), Duration.ZERO);
		BackfillThrottle.Decision sample = new MaxImpact(0.1).check(context(neverRested));
		assertThat(sample.holds()).isTrue();
		assertThat(sample.reason()).startsWith("measuring");
		// the first half second runs as it comes
		Foreground starting = new Foreground(0, 0, 0, 0.3, Duration.ofMillis(100), Duration.ZERO);
		assertThat(new MaxImpact(0.1).check(context(starting)).holds()).isFalse();
		// no other session wrote: no sample for the first 17 s or so, then one a minute
		Foreground quietStart = new Foreground(0, 0, 0, 3, Duration.ofMillis(100), Duration.ZERO);
		assertThat(new MaxImpact(0.1).check(context(quietStart)).holds()).isFalse();
		Foreground quietLong = new Foreground(0, 0, 0.001, 11, Duration.ofMillis(100), Duration.ZERO);
		assertThat(new MaxImpact(0.1).check(context(quietLong)).reason()).startsWith("measuring");
		Foreground quietSampled = new Foreground(0, 0, 0.05, 11, Duration.ofMillis(100), Duration.ZERO);
		assertThat(new MaxImpact(0.1).check(context(quietSampled)).holds()).isFalse();
		// one write a second between batches is a writer: sampled as before
		Foreground writer = new Foreground(1, 0, 2, 3, Duration.ofMillis(100), Duration.ZERO);
		assertThat(new MaxImpact(0.1).check(context(writer)).holds()).isFalse();
		Foreground writerUnrested = new Foreground(0, 2, 0.01, 3, Duration.ofMillis(100), Duration.ZERO);
		assertThat(new MaxImpact(0.1).check(context(writerUnrested)).reason()).startsWith("measuring");
	}

	@Test
	void aShareOutsideZeroToOneIsRefusedNamingTheFix() {
		assertThatIllegalArgumentException().isThrownBy(() -> new MaxImpact(1.5))
			.withMessageContaining("must be above 0 and below 1, such as 0.05");
		assertThatIllegalArgumentException().isThrownBy(() -> new MaxImpact(0));
	}

	private static BackfillThrottle.Context context(Foreground foreground) {
		return new BackfillThrottle.Context("b", "t", jdbc, 0, 1, foreground);
	}

}

package dev.backfill;

import java.util.List;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.Counters;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Dry-runs that must flag what a real run would do wrong, and refuse what they cannot
 * estimate, on real PostgreSQL.
 */
class DryRunTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		jdbc.sql("CREATE TABLE counters (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0, email text)").update();
		jdbc.sql("INSERT INTO counters (id, email) SELECT g, 'U' || g FROM generate_series(1, 10000) g").update();
		jdbc.sql("CREATE TABLE nothing (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
		jdbc.sql("CREATE TABLE words (word text PRIMARY KEY, upper_word text)").update();
		jdbc.sql("INSERT INTO words (word) SELECT md5(g::text) FROM generate_series(1, 5000) g").update();
		jdbc.sql("CREATE TABLE tokens (id uuid PRIMARY KEY, token text NOT NULL, token_upper text)").update();
		jdbc.sql(
				"INSERT INTO tokens (id, token) SELECT gen_random_uuid(), md5(g::text) FROM generate_series(1, 4000) g")
			.update();
		jdbc.sql("CREATE TABLE sized (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
		jdbc.sql("INSERT INTO sized (id) SELECT g FROM generate_series(1, 3000) g").update();
		jdbc.sql("ANALYZE counters; ANALYZE words; ANALYZE tokens; ANALYZE sized").update();
	}

	private static Backfill counting(String name, String table) {
		return Backfill.sql(name)
			.table(table)
			.key("id")
			.pending("counter < 100")
			.update("UPDATE " + table + " SET counter = counter + 1 WHERE id > :from AND id <= :to")
			.rollback("UPDATE " + table + " SET counter = 0 WHERE id > :from AND id <= :to")
			.batchSize(1_000)
			.build();
	}

	@Test
	void dryRunAtAParallelismMeasuresItsBatchesSideBySide() {
		// a statement that waits rather than works: partitions side by side gain nearly
		// their number
		Backfill waiting = Backfill.sql("waiting")
			.table("counters")
			.key("id")
			.pending("counter = 0")
			.update("WITH pause AS (SELECT pg_sleep(0.2)) UPDATE counters SET counter = counter + 1 FROM pause "
					+ "WHERE id > :from AND id <= :to")
			.rollback("UPDATE counters SET counter = 0 WHERE id > :from AND id <= :to")
			.batchSize(500)
			.build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, waiting);
		Estimate estimate = operator.dryRun("waiting",
				DryRunOptions.defaults().withSampleBatches(4).withParallelism(4));
		assertThat(estimate.parallelism()).isEqualTo(4);
		assertThat(estimate.parallelSpeedup()).isGreaterThan(1.5).isLessThanOrEqualTo(4);
		assertThat(estimate.estimatedSecondsInParallel()).isLessThan(estimate.estimatedSeconds());
		assertThat(count("SELECT count(*) FROM counters WHERE counter <> 0")).isZero();
		// recorded with the estimate, for status
		assertThat(operator.status("waiting").estimate().parallelSpeedup()).isEqualTo(estimate.parallelSpeedup());
		Estimate oneWalk = operator.dryRun("waiting", DryRunOptions.defaults().withSampleBatches(3));
		assertThat(oneWalk.parallelism()).isEqualTo(1);
		assertThat(oneWalk.estimatedSecondsInParallel()).isEqualTo(oneWalk.estimatedSeconds());
	}

	@Test
	void nonIdempotentBackfillIsFlaggedWithItsRange() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, counting("count-up", "counters"));
		Estimate estimate = operator.dryRun("count-up", DryRunOptions.defaults().withSampleBatches(3));
		assertThat(estimate.idempotent()).isFalse();
		assertThat(estimate.idempotencyRange()).isNotNull();
		// the first batch starts at the smallest key, included
		assertThat(estimate.idempotencyRange()).isEqualTo(KeyRange.startingAt(1L, 1_000L));
		assertThat(estimate.warnings())
			.anySatisfy((w) -> assertThat(w).startsWith("NOT IDEMPOTENT").contains("[1, 1000]"));
		assertThat(count("SELECT count(*) FROM counters WHERE counter <> 0")).isZero();
		assertThat(operator.status("count-up").estimate().idempotent()).isFalse();
	}

	@Test
	void statementThatRewritesEqualValuesIsIdempotentWithAWarning() {
		Backfill rewriting = Backfill.sql("lower-emails")
			.table("counters")
			.key("id")
			.pending("email <> lower(email)")
			.update("UPDATE counters SET email = lower(email) WHERE id > :from AND id <= :to")
			.rollback("SELECT 1 WHERE :from::bigint < :to::bigint")
			.batchSize(2_000)
			.build();
		Estimate estimate = TestOperators.operator(dataSource, rewriting)
			.dryRun("lower-emails", DryRunOptions.defaults());
		assertThat(estimate.idempotent()).isTrue();
		assertThat(estimate.rewrittenRows()).isEqualTo(2_000);
		assertThat(estimate.warnings()).anySatisfy((w) -> assertThat(w).contains("wrote 2,000 rows again"));
		assertThat(count("SELECT count(*) FROM counters WHERE email = lower(email)")).isZero();
	}

	@Test
	void batchHoldingItsLocksOverASecondIsFlaggedWithASmallerBatchSize() {
		// only the first batch is slow, as a range of wide rows would be
		Backfill slow = Backfill.sql("slow-start")
			.table("counters")
			.key("id")
			.pending("counter = 0")
			.update("""
					WITH pause AS (SELECT pg_sleep(CASE WHEN CAST(:from AS bigint) <= 1 THEN 1.1 ELSE 0 END))
					UPDATE counters SET counter = 1 FROM pause WHERE id > :from AND id <= :to AND counter = 0""")
			.rollback("UPDATE counters SET counter = 0 WHERE id > :from AND id <= :to")
			.batchSize(2_000)
			.build();
		Estimate estimate = TestOperators.operator(dataSource, slow)
			.dryRun("slow-start", DryRunOptions.defaults().withSampleBatches(3));
		assertThat(estimate.samples().get(0).transactionMillis()).isGreaterThan(1_100);
		assertThat(estimate.maxBatchMillis()).isGreaterThan(1_100);
		assertThat(estimate.suggestedBatchSize()).isBetween(1, 2_000 * 500 / 1_100);
		assertThat(estimate.warnings()).anySatisfy(
				(w) -> assertThat(w).contains("over 1 s").contains("A batch size of " + estimate.suggestedBatchSize()));
		assertThat(estimate.idempotent()).isTrue();
		assertThat(count("SELECT count(*) FROM counters WHERE counter <> 0")).isZero();
	}

	@Test
	void automaticSampleStaysWithinItsShareOfTheTable() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, counting("count-share", "counters"));
		// 10,000 keys at 100 per batch: 1% is one batch, and a sample takes at least
		// three
		Estimate small = operator.dryRun("count-share", DryRunOptions.defaults().withBatchSize(100));
		assertThat(small.sampledBatches()).isEqualTo(3);
		Estimate wide = operator.dryRun("count-share",
				new DryRunOptions(100, 0, 0.05, DryRunOptions.DEFAULT_MAX_DURATION));
		assertThat(wide.sampledBatches()).isEqualTo(5);
		assertThat(wide.batches()).isEqualTo(100);
	}

	@Test
	void textKeysAreSampledAcrossTheirRange() {
		Backfill upper = Backfill.sql("upper-words")
			.table("words")
			.key("word")
			.pending("upper_word IS NULL")
			.update("UPDATE words SET upper_word = upper(word) WHERE word > :from AND word <= :to AND "
					+ "upper_word IS NULL")
			.rollback("UPDATE words SET upper_word = NULL WHERE word > :from AND word <= :to")
			.batchSize(500)
			.build();
		Estimate estimate = TestOperators.operator(dataSource, upper)
			.dryRun("upper-words", DryRunOptions.defaults().withSampleBatches(4));
		assertThat(estimate.samples()).hasSize(4);
		assertThat(estimate.samples()).allSatisfy((s) -> assertThat(s.rows()).isEqualTo(500));
		assertThat(estimate.samples().get(0).range().fromIncluded()).isTrue();
		assertThat(estimate.samples().get(0).range().from())
			.isEqualTo(jdbc.sql("SELECT min(word) FROM words").query(String.class).single());
		assertThat(estimate.idempotent()).isTrue();
		assertThat(count("SELECT count(*) FROM words WHERE upper_word IS NOT NULL")).isZero();
	}

	@Test
	void uuidKeysAreSampled() {
		Backfill upper = Backfill.sql("upper-tokens")
			.table("tokens")
			.key("id")
			.pending("token_upper IS NULL")
			.update("UPDATE tokens SET token_upper = upper(token) WHERE id > :from AND id <= :to AND "
					+ "token_upper IS NULL")
			.rollback("UPDATE tokens SET token_upper = NULL WHERE id > :from AND id <= :to")
			.batchSize(400)
			.build();
		Estimate estimate = TestOperators.operator(dataSource, upper)
			.dryRun("upper-tokens", DryRunOptions.defaults().withSampleBatches(4));
		assertThat(estimate.samples()).hasSize(4).allSatisfy((s) -> assertThat(s.rows()).isEqualTo(400));
		assertThat(estimate.batches()).isEqualTo(10);
		assertThat(estimate.idempotent()).isTrue();
		assertThat(count("SELECT count(*) FROM tokens WHERE token_upper IS NOT NULL")).isZero();
	}

	@Test
	void sampleThatHitsTheLockTimeoutIsReportedAndTheOthersStillEstimate() throws Exception {
		BackfillSettings settings = new BackfillSettings(1_000, java.time.Duration.ofMillis(200),
				BackfillSettings.DEFAULT_STATEMENT_TIMEOUT, BackfillSettings.DEFAULT_TABLE_PREFIX);
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, settings,
				counting("count-locked", "counters"));
		// production traffic holds a row of the first batch, the one sample always taken
		try (java.sql.Connection traffic = dataSource.getConnection()) {
			traffic.setAutoCommit(false);
			traffic.createStatement().execute("SELECT * FROM counters WHERE id = 5 FOR UPDATE");
			Estimate estimate = operator.dryRun("count-locked", DryRunOptions.defaults().withSampleBatches(4));
			traffic.rollback();
			assertThat(estimate.warnings())
				.anySatisfy((w) -> assertThat(w).startsWith("The batch from the first key hit a timeout")
					.contains("lock timeout"));
			assertThat(estimate.sampledBatches()).isEqualTo(3);
			assertThat(estimate.samples()).noneSatisfy((s) -> assertThat(s.range().from()).isEqualTo(0L));
			assertThat(estimate.estimatedSeconds()).isPositive();
		}
		assertThat(count("SELECT count(*) FROM counters WHERE counter <> 0")).isZero();
	}

	@Test
	void estimateErrorIsShownOnlyForARunAtTheSameBatchSize() {
		Backfill sized = Backfill.sql("count-sized")
			.table("sized")
			.key("id")
			.pending("counter = 0")
			.update("UPDATE sized SET counter = 1 WHERE id > :from AND id <= :to AND counter = 0")
			.rollback("UPDATE sized SET counter = 0 WHERE id > :from AND id <= :to")
			.build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, sized);
		operator.dryRun("count-sized", DryRunOptions.defaults().withBatchSize(500));
		operator.run("count-sized", new RunOptions(1_000), (p) -> {
		});
		BackfillStatus other = operator.status("count-sized");
		assertThat(other.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(other.estimate().batchSize()).isEqualTo(500);
		assertThat(other.batchSize()).isEqualTo(1_000);
		assertThat(other.estimateError()).isNull();
	}

	@Test
	void adaptiveRunIsEstimatedAtTheSizeItsBatchesSettleAt() {
		Counters.create(jdbc, "settling", 20_000);
		jdbc.sql("ANALYZE settling").update();
		// 0.05 ms per key: aimed at 100 ms batches, about 2,000 keys
		Backfill timed = Counters.timed("settling", "settling", 0.05);
		BackfillSettings settings = new BackfillSettings(500, java.time.Duration.ofSeconds(1),
				java.time.Duration.ofSeconds(30), "BACKFILL_", Retry.DEFAULTS,
				new BatchSizing(java.time.Duration.ofMillis(100), 100, 50_000));
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, settings, timed);
		Estimate estimate = operator.dryRun("settling", DryRunOptions.defaults().withSampleBatches(3));
		assertThat(estimate.adaptive()).isTrue();
		assertThat(estimate.samples()).allSatisfy((s) -> assertThat(s.keys()).isEqualTo(500));
		assertThat(estimate.batchSize()).isBetween(1_500, 2_100);
		assertThat(estimate.batches()).isBetween(9L, 14L);
		// 20,000 keys at 0.05 ms each is 1 s of statements, plus each batch's commit
		assertThat(estimate.estimatedSeconds()).isBetween(0.9, 2.0);
		// batches of about 2,000 keys hold their locks about 100 ms, not the 25 ms of the
		// 500-key samples
		assertThat(estimate.maxBatchMillis()).isBetween(80L, 250L);

		operator.run("settling", RunOptions.defaults(), (p) -> {
		});
		BackfillStatus status = operator.status("settling");
		assertThat(status.estimate().adaptive()).isTrue();
		assertThat(status.estimateError()).isNotNull();
	}

	@Test
	void emptyTableIsRefusedWithWhatToDo() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, counting("count-nothing", "nothing"));
		assertThatExceptionOfType(CannotEstimateException.class)
			.isThrownBy(() -> operator.dryRun("count-nothing", DryRunOptions.defaults()))
			.withMessageContaining("table nothing is empty")
			.withMessageContaining("production-size data");
		assertThat(operator.status("count-nothing").estimate()).isNull();
	}

	@Test
	void sampleLargerThanTheTableIsRefused() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, counting("count-big", "counters"));
		assertThatExceptionOfType(CannotEstimateException.class)
			.isThrownBy(() -> operator.dryRun("count-big", DryRunOptions.defaults().withSampleBatches(11)))
			.withMessageContaining("a sample of 11 batches of 1,000 keys (11,000 keys) is larger than table "
					+ "counters (about 10,000 keys, 10 batches)")
			.withMessageContaining("at most 10 sample batches");
	}

	@Test
	void unknownNameAndBadOptionsAreRefused() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, counting("count-known", "counters"));
		assertThatExceptionOfType(NoSuchBackfillException.class)
			.isThrownBy(() -> operator.dryRun("count-unknown", DryRunOptions.defaults()))
			.withMessageContaining("Declared backfills: count-known");
		assertThatIllegalArgumentException().isThrownBy(() -> DryRunOptions.defaults().withBatchSize(-1))
			.withMessageContaining("must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DryRunOptions(0, 0, 1.5, DryRunOptions.DEFAULT_MAX_DURATION))
			.withMessageContaining("at most 1");
		assertThat(new JdbcBatchLog(jdbc, "BACKFILL_").find("count-known")).isEqualTo(List.of());
	}

}

package dev.backfill;

import java.util.List;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every value of every key type can be walked: a first batch starts at the smallest key
 * itself, so a table whose smallest key is the lowest value of its type, or equal to
 * {@code ''} under a nondeterministic collation, is run, verified, rolled back and
 * estimated like any other, in both forms.
 */
class KeyBoundsTest extends DatabaseTest {

	static List<Arguments> tables() {
		return List.of(Arguments.of("bigint_edges", "bigint", """
				SELECT -9223372036854775808 UNION ALL SELECT 9223372036854775807
				UNION ALL SELECT g FROM generate_series(-400, 400) g"""), Arguments.of("int_edges", "integer", """
				SELECT -2147483648 UNION ALL SELECT 2147483647
				UNION ALL SELECT g FROM generate_series(-400, 400) g"""), Arguments.of("text_edges", "text", """
				SELECT '' UNION ALL SELECT ' ' UNION ALL SELECT 'k' || g FROM generate_series(1, 800) g"""), Arguments
			.of("text_c_edges", "text COLLATE \"C\"", """
					SELECT '' UNION ALL SELECT E'\\x01' UNION ALL SELECT 'k' || g FROM generate_series(1, 800) g"""),
				// U+200B compares equal to '' here, and there is no text below ''
				Arguments.of("text_icu_edges", "text COLLATE backfill_ignorable", """
						SELECT U&'\\200B' UNION ALL SELECT 'k' || g FROM generate_series(1, 800) g"""),
				Arguments.of("uuid_edges", "uuid", """
						SELECT '00000000-0000-0000-0000-000000000000'::uuid
						UNION ALL SELECT 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid
						UNION ALL SELECT gen_random_uuid() FROM generate_series(1, 800)"""));
	}

	static List<Arguments> tablesInBothForms() {
		return tables().stream()
			.flatMap((a) -> List
				.of(Arguments.of(a.get()[0], a.get()[1], a.get()[2], "sql"),
						Arguments.of(a.get()[0], a.get()[1], a.get()[2], "java"))
				.stream())
			.toList();
	}

	@ParameterizedTest(name = "{0} {3}")
	@MethodSource("tablesInBothForms")
	void everyKeyIsRunVerifiedAndRolledBackExactlyOnce(String table, String type, String keys, String form) {
		String name = (table + "-" + form).replace('_', '-');
		String t = table + "_" + form;
		createTable(t, type, keys);
		Backfill backfill = counter(name, t, form);
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		long rows = count("SELECT count(*) FROM " + t);

		assertThat(operator.dryRun(name, DryRunOptions.defaults().withBatchSize(100).withSampleBatches(3)).batches())
			.isPositive();
		assertThat(count("SELECT count(*) FROM " + t + " WHERE counter <> 0")).as("the dry-run wrote nothing").isZero();

		BackfillResult run = operator.run(name, RunOptions.defaults(), ProgressListener.NONE);
		assertThat(run.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(run.rows()).isEqualTo(rows);
		assertThat(count("SELECT count(*) FROM " + t + " WHERE counter <> 1")).isZero();
		List<BatchRecord> log = new JdbcBatchLog(jdbc, "BACKFILL_").find(name);
		assertContiguous(log);
		assertThat(log.get(0).fromIncluded()).isTrue();
		assertThat(log.stream().skip(1)).allSatisfy((b) -> assertThat(b.fromIncluded()).isFalse());
		assertThat(log.stream().mapToLong(BatchRecord::keys).sum()).isEqualTo(rows);

		Verification verification = operator.verify(name);
		assertThat(verification.keysChecked()).isEqualTo(rows);
		assertThat(verification.discrepancies()).isZero();

		BackfillResult rollback = operator.rollback(name, ProgressListener.NONE);
		assertThat(rollback.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(rollback.rows()).isEqualTo(rows);
		assertThat(count("SELECT count(*) FROM " + t + " WHERE counter <> 0")).isZero();
	}

	private static void createTable(String table, String type, String keys) {
		if (type.contains("backfill_ignorable")) {
			Assumptions.assumeTrue(count("SELECT count(*) FROM pg_collation WHERE collprovider = 'i'") > 0,
					"this PostgreSQL has no ICU collations");
			jdbc.sql("""
					CREATE COLLATION IF NOT EXISTS backfill_ignorable
					    (provider = icu, locale = 'und-u-ks-level1', deterministic = false)""").update();
		}
		jdbc.sql("CREATE TABLE " + table + " (k " + type + " PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
		jdbc.sql("INSERT INTO " + table + " (k) " + keys).update();
	}

	// not idempotent: a key skipped stays 0, a key done twice shows 2
	private static Backfill counter(String name, String table, String form) {
		String rollback = "UPDATE " + table + " SET counter = counter - 1 WHERE k > :from AND k <= :to";
		if (form.equals("sql")) {
			return Backfill.sql(name)
				.table(table)
				.key("k")
				.pending("counter = 0")
				.update("UPDATE " + table + " SET counter = counter + 1 WHERE k > :from AND k <= :to")
				.rollback(rollback)
				.batchSize(100)
				.build();
		}
		return Backfill.java(name)
			.table(table)
			.key("k")
			.pending("counter = 0")
			.read("counter")
			.write("counter")
			.process((row) -> row.set("counter", ((Number) row.get("counter")).intValue() + 1))
			.verify((row) -> row.get("counter").equals(1) ? null : "counter is " + row.get("counter"))
			.rollback(rollback)
			.batchSize(100)
			.build();
	}

}

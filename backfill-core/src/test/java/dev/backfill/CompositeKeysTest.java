package dev.backfill;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.TableShape;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Walks tables by composite keys, {@code (stream, seq)} of text and bigint and
 * {@code (tenant, id)} of bigint and uuid, with non-idempotent backfills, so a key tuple
 * processed twice or skipped shows; and runs verify, rollback, partitions and the dry-run
 * over them.
 */
class CompositeKeysTest extends DatabaseTest {

	private static final int EVENTS = 5_000;

	private static final String RANGE = " WHERE (stream, seq) > :from AND (stream, seq) <= :to";

	@BeforeAll
	static void createTables() {
		// streams in the database's collation, where 'a ' < 'K' < 'k' differ from bytes
		jdbc.sql("""
				CREATE TABLE events (stream text NOT NULL, seq bigint NOT NULL, counter int NOT NULL DEFAULT 0,
				  PRIMARY KEY (stream, seq));
				INSERT INTO events (stream, seq)
				SELECT CASE g % 4 WHEN 0 THEN 'k' WHEN 1 THEN 'K' WHEN 2 THEN 'a ' ELSE 'b"\\' END, g / 4
				FROM generate_series(1, 5000) g;
				CREATE TABLE accounts (tenant bigint NOT NULL, id uuid NOT NULL, email text, email_lower text,
				  PRIMARY KEY (tenant, id));
				INSERT INTO accounts (tenant, id, email)
				SELECT g % 9, md5(g::text)::uuid, 'User' || g || '@Example.com' FROM generate_series(1, 3000) g;
				CREATE TABLE unindexed (a bigint NOT NULL, b bigint NOT NULL, c text);
				CREATE TABLE nullable_pair (a bigint NOT NULL, b bigint, c text, UNIQUE (a, b));
				CREATE TABLE reversed (a bigint NOT NULL, b bigint NOT NULL, c text, PRIMARY KEY (b, a));
				CREATE TABLE descending (a bigint NOT NULL, b bigint NOT NULL, c text);
				CREATE UNIQUE INDEX ON descending (a DESC, b DESC);
				CREATE TABLE mixed (a bigint NOT NULL, b bigint NOT NULL, c text);
				CREATE UNIQUE INDEX ON mixed (a, b DESC)""").update();
	}

	@Test
	void textAndBigintKeysAreWalkedAsRowValuesInTheColumnsOrder() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, events("events-walk", 700));
		BackfillResult result = operator.run("events-walk", RunOptions.defaults(), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.rows()).isEqualTo(EVENTS);
		assertThat(count("SELECT count(*) FROM events WHERE counter <> 1")).isZero();
		List<BatchRecord> log = new JdbcBatchLog(jdbc, "BACKFILL_").find("events-walk");
		assertContiguous(log);
		assertThat(log).hasSize(8);
		assertThat(log.get(0).fromIncluded()).isTrue();
		// the tuples as JSON arrays, as PostgreSQL writes them, in the column's collation
		assertThat(log.get(0).fromKey()).isEqualTo(
				jdbc.sql("SELECT CAST(json_build_array(stream, seq) AS text) FROM events ORDER BY stream, seq LIMIT 1")
					.query(String.class)
					.single());
		assertThat(log.get(log.size() - 1).toKey()).isEqualTo("[\"k\", 1250]");
		assertThat(operator.status("events-walk").lastKey()).isEqualTo("[\"k\", 1250]");

		// verify names wrong rows by their tuples
		assertThat(operator.verify("events-walk").passed()).isTrue();
		jdbc.sql("UPDATE events SET counter = 5 WHERE (stream, seq) IN (('b\"\\', 3), ('K', 1000))").update();
		Verification found = operator.verify("events-walk");
		assertThat(found.discrepancies()).isEqualTo(2);
		assertThat(found.keysChecked()).isEqualTo(EVENTS);
		assertThat(found.firstKeys()).containsExactlyInAnyOrder("[\"K\", 1000]", "[\"b\\\"\\\\\", 3]");
		jdbc.sql("UPDATE events SET counter = 1 WHERE counter = 5").update();

		BackfillResult rollback = operator.rollback("events-walk", ProgressListener.NONE);
		assertThat(rollback.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(rollback.rows()).isEqualTo(EVENTS);
		assertThat(count("SELECT count(*) FROM events WHERE counter <> 0")).isZero();
	}

	@Test
	void aRunInPartitionsOverACompositeKeyChangesEveryRowOnce() {
		jdbc.sql("UPDATE events SET counter = 0").update();
		jdbc.sql("ANALYZE events").update();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, events("events-split", 300));
		BackfillResult result = operator.run("events-split", new RunOptions(0, 3), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM events WHERE counter <> 1")).isZero();
		assertThat(operator.status("events-split").partitions()).hasSize(3)
			.allSatisfy((p) -> assertThat(p.range()).contains("["));
		BackfillResult rollback = operator.rollback("events-split", new RunOptions(0, 2), ProgressListener.NONE);
		assertThat(rollback.rows()).isEqualTo(EVENTS);
		assertThat(count("SELECT count(*) FROM events WHERE counter <> 0")).isZero();
	}

	@Test
	void theJavaFormReadsAndWritesEachRowByItsKeyTuple() {
		Backfill lower = Backfill.java("accounts-lower")
			.table("accounts")
			.key("tenant", "id")
			.pending("email_lower IS NULL")
			.read("email")
			.write("email_lower")
			.process((row) -> {
				KeyTuple key = (KeyTuple) row.key();
				assertThat(key.get(0)).isInstanceOf(Long.class);
				assertThat(key.get(1)).isInstanceOf(UUID.class);
				row.set("email_lower", Objects.requireNonNull((String) row.get("email")).toLowerCase());
			})
			.rollback("UPDATE accounts SET email_lower = NULL WHERE (tenant, id) > :from AND (tenant, id) <= :to")
			.verify((row) -> Objects.equals(row.get("email_lower"), ((String) row.get("email")).toLowerCase()) ? null
					: "email_lower is " + row.get("email_lower"))
			.batchSize(250)
			.build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, lower);
		BackfillResult result = operator.run("accounts-lower", RunOptions.defaults(), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.rows()).isEqualTo(3000);
		assertThat(count("SELECT count(*) FROM accounts WHERE email_lower IS DISTINCT FROM lower(email)")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("accounts-lower"));

		UUID wrong = UUID.nameUUIDFromBytes(new byte[] { 1 });
		jdbc.sql("UPDATE accounts SET email_lower = 'x' WHERE (tenant, id) = (SELECT tenant, id FROM accounts "
				+ "ORDER BY tenant DESC, id DESC LIMIT 1)")
			.update();
		String last = jdbc
			.sql("SELECT CAST(json_build_array(tenant, id) AS text) FROM accounts WHERE email_lower = 'x'")
			.query(String.class)
			.single();
		Verification found = operator.verify("accounts-lower");
		assertThat(found.firstKeys()).containsExactly(last);
		assertThat(wrong).isNotNull();
	}

	@Test
	void aValueTheColumnRefusesIsNamedWithItsRowsKeyTuple() {
		jdbc.sql("""
				CREATE TABLE short_names (tenant bigint NOT NULL, id bigint NOT NULL, name text NOT NULL,
				  short varchar(5), PRIMARY KEY (tenant, id));
				INSERT INTO short_names SELECT g % 3, g, 'n' || g FROM generate_series(1, 600) g;
				UPDATE short_names SET name = 'Alexander' WHERE (tenant, id) = (2, 302)""").update();
		Backfill shorten = Backfill.java("short-names")
			.table("short_names")
			.key("tenant", "id")
			.pending("short IS NULL")
			.read("name")
			.write("short")
			.process((row) -> row.set("short", row.get("name")))
			.rollback("UPDATE short_names SET short = NULL WHERE (tenant, id) > :from AND (tenant, id) <= :to")
			.batchSize(200)
			.build();
		BackfillResult result = TestOperators.operator(dataSource, shorten)
			.run("short-names", RunOptions.defaults(), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.FAILED);
		assertThat(result.failure()).contains("cannot write column short (character varying(5)) on key [2, 302]");
		// the batches before it committed, by their tuples
		assertThat(count("SELECT count(*) FROM short_names WHERE short = name")).isEqualTo(400);
	}

	@Test
	void aDryRunSamplesACompositeKeyAndWritesNothing() {
		jdbc.sql("UPDATE events SET counter = 0").update();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, events("events-dry", 500));
		Estimate estimate = operator.dryRun("events-dry", DryRunOptions.defaults().withSampleBatches(3));
		assertThat(estimate.samples()).hasSize(3)
			.allSatisfy((s) -> assertThat(s.range().to()).isInstanceOf(KeyTuple.class));
		assertThat(estimate.idempotent()).isFalse();
		assertThat(count("SELECT count(*) FROM events WHERE counter <> 0")).isZero();
	}

	@Test
	void aBatchOfACompositeKeyIsOneRangeScanOfTheIndex() {
		TableShape shape = TableShape.read(jdbc, events("events-plan", 100));
		String plan = String.join("\n",
				jdbc.sql("EXPLAIN SELECT " + shape.key().select() + " FROM events WHERE " + shape.keySql()
						+ " > :after ORDER BY " + shape.key().order(false) + " OFFSET 999 LIMIT 1")
					.param("after", dev.backfill.jdbc.TableKey.param(KeyTuple.of("K", 3L)))
					.query(String.class)
					.list());
		assertThat(plan).contains("Index Only Scan using events_pkey")
			.contains("Index Cond: (ROW(stream, seq) > ROW(")
			.doesNotContain("Sort");
	}

	@Test
	void aCompositeKeyMustBeNotNullWithAUniqueIndexOverExactlyItsColumnsInOrder() {
		assertRefused("pair-unindexed", "unindexed", "has no unique index over exactly these columns",
				"CREATE UNIQUE INDEX CONCURRENTLY ON unindexed (a, b)");
		assertRefused("pair-nullable", "nullable_pair", "key column b of nullable_pair allows NULL",
				"Declare it NOT NULL");
		assertRefused("pair-reversed", "reversed", "key (a, b) of reversed has no unique index",
				"A unique index over (b, a) exists: declare the key in its order, .key(\"b\", \"a\")");
		assertRefused("pair-mixed", "mixed", "key (a, b) of mixed has no unique index",
				"all ascending or all descending");
		// an index in one direction, descending, serves the walk backward
		TestOperators.operator(dataSource, pair("pair-descending", "descending")).validate();
		assertThatThrownBy(() -> Backfill.sql("pair-twice").key("a", "a")).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("names column a twice");
		assertThatThrownBy(() -> Backfill.sql("pair-none").key()).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining(".key() names no column");
	}

	private static Backfill pair(String name, String table) {
		return Backfill.sql(name)
			.table(table)
			.key("a", "b")
			.pending("c IS NULL")
			.update("UPDATE " + table + " SET c = 'x' WHERE (a, b) > :from AND (a, b) <= :to")
			.rollback("UPDATE " + table + " SET c = NULL WHERE (a, b) > :from AND (a, b) <= :to")
			.build();
	}

	private static void assertRefused(String name, String table, String problem, String fix) {
		Backfill backfill = pair(name, table);
		assertThatThrownBy(TestOperators.operator(dataSource, backfill)::validate)
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining(problem)
			.hasMessageContaining(fix);
	}

	private static Backfill events(String name, int batchSize) {
		return Backfill.sql(name)
			.table("events")
			.key("stream", "seq")
			.pending("counter = 0")
			.update("UPDATE events SET counter = counter + 1" + RANGE)
			.rollback("UPDATE events SET counter = counter - 1" + RANGE)
			.verify("SELECT stream, seq, 'counter is ' || counter FROM events" + RANGE + " AND counter <> 1")
			.batchSize(batchSize)
			.build();
	}

}

package dev.backfill;

import java.util.List;

import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks tables by each supported key type with a non-idempotent backfill, so a key
 * processed twice or skipped shows.
 */
class KeyTypesTest extends DatabaseTest {

	@Test
	void sparseKeysGiveFullBatches() {
		jdbc.sql("""
				CREATE TABLE sparse (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0);
				INSERT INTO sparse (id) SELECT 1 + g * 10 FROM generate_series(0, 4998) g;
				INSERT INTO sparse (id) VALUES (9000000000)""").update();
		List<BatchRecord> log = run("sparse", "id", 500);
		assertThat(log).hasSize(10);
		assertThat(log).allSatisfy((b) -> assertThat(b.keys()).isEqualTo(500));
		assertThat(log.get(9).toKey()).isEqualTo("9000000000");
	}

	@Test
	void integerKeysAreWalked() {
		jdbc.sql("""
				CREATE TABLE int4_keys (id integer PRIMARY KEY, counter int NOT NULL DEFAULT 0);
				INSERT INTO int4_keys (id) SELECT g FROM generate_series(-1500, 1500) g""").update();
		List<BatchRecord> log = run("int4_keys", "id", 1000);
		assertThat(log.get(0).fromKey()).isEqualTo("-1500");
		assertThat(log).hasSize(4);
	}

	@Test
	void textKeysAreWalkedInCollationOrder() {
		jdbc.sql("""
				CREATE TABLE text_keys (code text PRIMARY KEY, counter int NOT NULL DEFAULT 0);
				INSERT INTO text_keys (code)
				SELECT CASE g % 3 WHEN 0 THEN 'k' WHEN 1 THEN 'K' ELSE 'a ' END || lpad(g::text, 6, '0')
				FROM generate_series(1, 4000) g ORDER BY random()""").update();
		List<BatchRecord> log = run("text_keys", "code", 700);
		assertThat(log).allSatisfy((b) -> assertThat(b.rowsAffected()).isEqualTo(b.keys()));
		assertThat(log.get(0).fromIncluded()).isTrue();
		assertThat(log.get(0).fromKey())
			.isEqualTo(jdbc.sql("SELECT min(code) FROM text_keys").query(String.class).single());
	}

	@Test
	void uuidKeysAreWalked() {
		jdbc.sql("""
				CREATE TABLE uuid_keys (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), counter int NOT NULL DEFAULT 0);
				INSERT INTO uuid_keys (counter) SELECT 0 FROM generate_series(1, 3000)""").update();
		List<BatchRecord> log = run("uuid_keys", "id", 400);
		assertThat(log).hasSize(8);
		assertThat(log).allSatisfy((b) -> assertThat(b.rowsAffected()).isEqualTo(b.keys()));
	}

	private static List<BatchRecord> run(String table, String key, int batchSize) {
		String name = "keys-" + table.replace('_', '-');
		Backfill backfill = Backfill.sql(name)
			.table(table)
			.key(key)
			.pending("counter = 0")
			.update("UPDATE %1$s SET counter = counter + 1 WHERE %2$s > :from AND %2$s <= :to".formatted(table, key))
			.rollback("UPDATE %1$s SET counter = 0 WHERE %2$s > :from AND %2$s <= :to".formatted(table, key))
			.batchSize(batchSize)
			.build();
		BackfillResult result = TestOperators.operator(dataSource, backfill)
			.run(name, RunOptions.defaults(), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		long rows = jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
		assertThat(result.rows()).isEqualTo(rows);
		assertThat(jdbc.sql("SELECT count(*) FROM " + table + " WHERE counter <> 1").query(Long.class).single())
			.isZero();
		List<BatchRecord> log = new JdbcBatchLog(jdbc, "BACKFILL_").find(name);
		assertContiguous(log);
		assertThat(log.stream().mapToLong(BatchRecord::keys).sum()).isEqualTo(rows);
		return log;
	}

}

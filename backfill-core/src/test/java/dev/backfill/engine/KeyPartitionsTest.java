package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.backfill.Backfill;
import dev.backfill.jdbc.KeyType;
import dev.backfill.jdbc.TableKey;
import dev.backfill.jdbc.TableShape;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Plans partitions on real tables of each key type and checks them the hard way, with
 * {@code count(*)} per partition: the ranges hold every row exactly once, and about equal
 * pending rows.
 */
class KeyPartitionsTest extends DatabaseTest {

	private static final String PENDING = "done IS NULL";

	@Test
	void uniformKeysGiveEqualPartitions() {
		jdbc.sql("""
				CREATE TABLE uniform (id bigint PRIMARY KEY, done boolean);
				INSERT INTO uniform (id) SELECT g FROM generate_series(1, 200000) g;
				ANALYZE uniform""").update();
		PartitionPlan plan = plan("uniform", "id", 8);
		assertThat(plan.partitions()).hasSize(8);
		assertBalanced("uniform", "id", plan, 0.25);
	}

	@Test
	void sparseKeysWithAGapAndAnOutlierGiveEqualPartitions() {
		jdbc.sql("""
				CREATE TABLE sparse (id bigint PRIMARY KEY, done boolean);
				INSERT INTO sparse (id) SELECT 1 + g * 10 FROM generate_series(0, 49999) g;
				INSERT INTO sparse (id) SELECT 1000000000 + g * 7 FROM generate_series(0, 49999) g;
				INSERT INTO sparse (id) VALUES (9000000000);
				ANALYZE sparse""").update();
		PartitionPlan plan = plan("sparse", "id", 8);
		assertThat(plan.partitions()).hasSize(8);
		assertBalanced("sparse", "id", plan, 0.25);
	}

	@Test
	void partitionsConcentrateWhereRowsArePending() {
		jdbc.sql("""
				CREATE TABLE skewed (id bigint PRIMARY KEY, done boolean);
				INSERT INTO skewed (id, done) SELECT g, CASE WHEN g <= 180000 THEN true END
				FROM generate_series(1, 200000) g;
				ANALYZE skewed""").update();
		PartitionPlan plan = plan("skewed", "id", 8);
		assertThat(plan.partitions()).hasSize(8);
		assertBalanced("skewed", "id", plan, 0.35);
	}

	@Test
	void textKeysAreCutInTheirCollation() {
		for (String collation : List.of("en-x-icu", "C")) {
			String table = "text_" + (collation.equals("C") ? "c" : "icu");
			jdbc.sql("""
					CREATE TABLE %s (code text COLLATE "%s" PRIMARY KEY, done boolean);
					INSERT INTO %1$s (code)
					SELECT CASE g %% 3 WHEN 0 THEN 'k' WHEN 1 THEN 'K' ELSE 'a ' END || lpad(g::text, 6, '0')
					FROM generate_series(1, 60000) g ORDER BY random();
					ANALYZE %1$s""".formatted(table, collation)).update();
			PartitionPlan plan = plan(table, "code", 8);
			assertThat(plan.partitions()).as(collation).hasSize(8);
			assertBalanced(table, "code", plan, 0.25);
		}
	}

	@Test
	void uuidKeysGiveEqualPartitions() {
		jdbc.sql("""
				CREATE TABLE uuids (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), done boolean);
				INSERT INTO uuids (done) SELECT CASE WHEN random() < 0.5 THEN true END FROM generate_series(1, 60000);
				ANALYZE uuids""").update();
		PartitionPlan plan = plan("uuids", "id", 8);
		assertThat(plan.partitions()).hasSize(8);
		assertBalanced("uuids", "id", plan, 0.25);
	}

	@Test
	void aTableNeverAnalyzedIsCutFromItsKeys() {
		jdbc.sql("""
				CREATE TABLE fresh (id integer PRIMARY KEY, done boolean) WITH (autovacuum_enabled = false);
				INSERT INTO fresh (id) SELECT g FROM generate_series(1, 150000) g""").update();
		assertThat(count("SELECT count(*) FROM pg_stats WHERE tablename = 'fresh'")).isZero();
		PartitionPlan plan = plan("fresh", "id", 8);
		assertThat(plan.partitions()).hasSize(8);
		assertBalanced("fresh", "id", plan, 0.25);
	}

	@Test
	void anEmptyTableIsOnePartition() {
		jdbc.sql("CREATE TABLE empty (id bigint PRIMARY KEY, done boolean)").update();
		assertThat(plan("empty", "id", 8).partitions()).containsExactly(WalkBounds.ALL);
	}

	@Test
	void fewerKeysThanPartitionsGiveAPartitionEach() {
		jdbc.sql("""
				CREATE TABLE few (id bigint PRIMARY KEY, done boolean);
				INSERT INTO few (id) VALUES (10), (20), (30);
				ANALYZE few""").update();
		PartitionPlan plan = plan("few", "id", 8);
		assertThat(plan.partitions()).hasSize(3);
		assertBalanced("few", "id", plan, 0);
	}

	@Test
	void keysInsertedOutsideTheStatisticsBelongToAPartition() {
		jdbc.sql("""
				CREATE TABLE grown (id bigint PRIMARY KEY, done boolean);
				INSERT INTO grown (id) SELECT g FROM generate_series(1000, 50999) g;
				ANALYZE grown;
				INSERT INTO grown (id) SELECT g FROM generate_series(1, 999) g;
				INSERT INTO grown (id) SELECT g FROM generate_series(51000, 53000) g""").update();
		PartitionPlan plan = plan("grown", "id", 4);
		assertThat(plan.partitions()).hasSize(4);
		assertBalanced("grown", "id", plan, 0.25);
	}

	@Test
	void aPlanReadsBackFromItsContext() {
		PartitionPlan plan = PartitionPlan.of(List.of(100L, 2_000L, 9_000_000_000L));
		ExecutionContext context = new ExecutionContext();
		plan.writeTo(context);
		assertThat(context.getInt("backfill.partitions")).isEqualTo(4);
		assertThat(context.containsKey("backfill.partition.1.from")).isFalse();
		assertThat(context.getString("backfill.partition.1.until")).isEqualTo("100");
		assertThat(context.getString("backfill.partition.2.from")).isEqualTo("100");
		assertThat(context.getString("backfill.partition.4.fromIncluded")).isEqualTo("false");
		assertThat(PartitionPlan.from(context, TableKey.of("k", KeyType.INTEGER))).isEqualTo(plan);
		assertThat(PartitionPlan.from(new ExecutionContext(), TableKey.of("k", KeyType.INTEGER))).isNull();
		UUID cut = UUID.randomUUID();
		PartitionPlan uuids = PartitionPlan.of(List.of(cut));
		ExecutionContext other = new ExecutionContext();
		uuids.writeTo(other);
		assertThat(PartitionPlan.from(other, TableKey.of("k", KeyType.UUID))).isEqualTo(uuids);
	}

	@Test
	void aWorkerReadsItsPartitionBack() {
		ExecutionContext worker = new ExecutionContext();
		assertThat(PartitionPlan.number(worker)).isZero();
		WalkBounds bounds = new WalkBounds("a b", false, "k000300");
		PartitionPlan.writePartition(2, bounds, worker);
		assertThat(PartitionPlan.number(worker)).isEqualTo(2);
		assertThat(worker.getString("backfill.partition.from")).isEqualTo("a b");
		assertThat(PartitionPlan.bounds(worker, TableKey.of("k", KeyType.TEXT))).isEqualTo(bounds);
		ExecutionContext last = new ExecutionContext();
		PartitionPlan.writePartition(3, new WalkBounds("k000300", false, null), last);
		assertThat(PartitionPlan.bounds(last, TableKey.of("k", KeyType.TEXT)))
			.isEqualTo(new WalkBounds("k000300", false, null));
	}

	@Test
	void aPlanWithAGapIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PartitionPlan(List.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> PartitionPlan
			.covering(List.of(new WalkBounds(null, false, 10L), new WalkBounds(11L, false, null))));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PartitionPlan.covering(List.of(new WalkBounds(null, false, 10L))));
	}

	private static PartitionPlan plan(String table, String key, int partitions) {
		Backfill backfill = Backfill.sql("plan-" + table.replace('_', '-'))
			.table(table)
			.key(key)
			.pending(PENDING)
			.update("UPDATE %1$s SET done = true WHERE %2$s > :from AND %2$s <= :to".formatted(table, key))
			.oneWay("a test")
			.build();
		return KeyPartitions.plan(jdbc, TableShape.read(jdbc, backfill), PENDING, partitions);
	}

	// every row in exactly one partition, and each partition's pending rows within a
	// share of the ideal
	private static void assertBalanced(String table, String key, PartitionPlan plan, double tolerance) {
		List<WalkBounds> partitions = plan.partitions();
		assertThat(partitions.get(0).from()).isNull();
		assertThat(partitions.get(partitions.size() - 1).until()).isNull();
		for (int i = 1; i < partitions.size(); i++) {
			assertThat(partitions.get(i).from()).isEqualTo(partitions.get(i - 1).until());
		}
		long rows = 0;
		List<Long> pending = new ArrayList<>();
		for (WalkBounds partition : partitions) {
			rows += count(table, key, partition, "true");
			pending.add(count(table, key, partition, PENDING));
		}
		assertThat(rows).isEqualTo(count("SELECT count(*) FROM " + table));
		long total = count("SELECT count(*) FROM " + table + " WHERE " + PENDING);
		double ideal = (double) total / partitions.size();
		assertThat(pending)
			.allSatisfy((n) -> assertThat((double) n).isBetween(ideal * (1 - tolerance), ideal * (1 + tolerance)));
	}

	private static long count(String table, String key, WalkBounds partition, String condition) {
		String sql = "SELECT count(*) FROM " + table + " WHERE (" + condition + ")"
				+ ((partition.from() != null) ? " AND " + key + " > :from" : "")
				+ ((partition.until() != null) ? " AND " + key + " <= :until" : "");
		JdbcClient.StatementSpec statement = jdbc.sql(sql);
		if (partition.from() != null) {
			statement = statement.param("from", partition.from());
		}
		if (partition.until() != null) {
			statement = statement.param("until", partition.until());
		}
		return statement.query(Long.class).single();
	}

}

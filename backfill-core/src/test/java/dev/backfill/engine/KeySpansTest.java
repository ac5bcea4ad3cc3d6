package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.backfill.Backfill;
import dev.backfill.KeyRange;
import dev.backfill.jdbc.TableShape;
import dev.backfill.test.DatabaseTest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks real tables by spans of key values and checks the walk the hard way, with
 * {@code count(*)} per batch: every row in exactly one batch, none with more rows than
 * its keys, and spans only where the key is dense.
 */
class KeySpansTest extends DatabaseTest {

	@Test
	void aDenseKeyWithHolesIsWalkedInSpansThatHoldEveryRowOnce() {
		jdbc.sql("""
				CREATE TABLE dense (id bigint PRIMARY KEY);
				INSERT INTO dense SELECT g FROM generate_series(1, 1000) g WHERE g % 10 <> 0;
				ANALYZE dense""").update();
		Keyset keyset = keyset("dense");
		KeySpans spans = KeySpans.of(jdbc, keyset, null, null, 900).orElseThrow();
		assertThat(spans.ahead()).isEqualTo(999);

		List<Keyset.Batch> walk = walk(spans, null, false, 100, null);
		assertThat(walk).hasSize(10);
		assertThat(walk.get(0).range()).isEqualTo(KeyRange.startingAt(1L, 100L));
		assertThat(walk.get(1).range()).isEqualTo(new KeyRange(100L, 200L));
		// the last ends at the largest key, short of a full span: the walk's end
		assertThat(walk.get(9).range()).isEqualTo(new KeyRange(900L, 999L));
		assertThat(walk.get(9).full()).isFalse();
		assertThat(walk.subList(0, 9)).allSatisfy((batch) -> assertThat(batch.full()).isTrue());
		assertCoversOnce("dense", walk);
	}

	@Test
	void aSparseKeyIsProbed() {
		jdbc.sql("""
				CREATE TABLE sparse (id bigint PRIMARY KEY);
				INSERT INTO sparse SELECT g FROM generate_series(1, 1000) g;
				INSERT INTO sparse SELECT g * 3 FROM generate_series(1000, 2000) g;
				INSERT INTO sparse VALUES (9000000000);
				ANALYZE sparse""").update();
		// an outlier far above the rest
		assertThat(KeySpans.of(jdbc, keyset("sparse"), null, null, 2002)).isEmpty();
		// a stretch of one key in three
		assertThat(KeySpans.of(jdbc, keyset("sparse"), 3000L, 6000L, 1000)).isEmpty();
		// where the key is dense, a walk spans
		assertThat(KeySpans.of(jdbc, keyset("sparse"), 400L, 900L, 500)).isPresent();
	}

	@Test
	void textKeysAreProbed() {
		jdbc.sql("""
				CREATE TABLE texts (code text PRIMARY KEY);
				INSERT INTO texts SELECT g::text FROM generate_series(1, 100) g""").update();
		assertThat(KeySpans.of(jdbc, keyset("texts", "code"), null, null, 100)).isEmpty();
	}

	@Test
	void keysAddedPastTheLargestWhileTheWalkRunsAreWalked() {
		jdbc.sql("""
				CREATE TABLE growing (id bigint PRIMARY KEY);
				INSERT INTO growing SELECT g FROM generate_series(1, 250) g""").update();
		KeySpans spans = KeySpans.of(jdbc, keyset("growing"), null, null, 250).orElseThrow();
		List<Keyset.Batch> walk = walk(spans, null, false, 100, null, 2);
		jdbc.sql("INSERT INTO growing SELECT g FROM generate_series(251, 420) g").update();
		walk.addAll(walk(spans, 200L, false, 100, null));
		assertThat(walk).extracting(Keyset.Batch::range)
			.containsExactly(KeyRange.startingAt(1L, 100L), new KeyRange(100L, 200L), new KeyRange(200L, 300L),
					new KeyRange(300L, 400L), new KeyRange(400L, 420L));
		assertCoversOnce("growing", walk);
	}

	@Test
	void aBoundedWalkEndsAtItsBound() {
		jdbc.sql("""
				CREATE TABLE bounded (id bigint PRIMARY KEY);
				INSERT INTO bounded SELECT g FROM generate_series(1, 1000) g""").update();
		KeySpans spans = KeySpans.of(jdbc, keyset("bounded"), 200L, 450L, 250).orElseThrow();
		assertThat(spans.ahead()).isEqualTo(250);
		List<Keyset.Batch> walk = walk(spans, 200L, true, 100, 450L);
		assertThat(walk).extracting(Keyset.Batch::range)
			.containsExactly(KeyRange.startingAt(200L, 299L), new KeyRange(299L, 399L), new KeyRange(399L, 450L));
		assertThat(walk).extracting(Keyset.Batch::keys).containsExactly(100L, 100L, 51L);
		assertThat(walk.get(2).full()).isFalse();
	}

	@Test
	void keysAtTheTopOfTheRangeDoNotOverflow() {
		jdbc.sql("""
				CREATE TABLE top (id bigint PRIMARY KEY);
				INSERT INTO top SELECT 9223372036854775807 - g FROM generate_series(0, 9) g""").update();
		KeySpans spans = KeySpans.of(jdbc, keyset("top"), null, null, 10).orElseThrow();
		List<Keyset.Batch> walk = walk(spans, null, false, 4, null);
		assertThat(walk).extracting(Keyset.Batch::keys).containsExactly(4L, 4L, 2L);
		assertThat(walk.get(2).range().to()).isEqualTo(Long.MAX_VALUE);
		assertCoversOnce("top", walk);
	}

	private static List<Keyset.Batch> walk(KeySpans spans, @Nullable Object from, boolean fromIncluded, int n,
			@Nullable Object until) {
		return walk(spans, from, fromIncluded, n, until, Integer.MAX_VALUE);
	}

	private static List<Keyset.Batch> walk(KeySpans spans, @Nullable Object from, boolean fromIncluded, int n,
			@Nullable Object until, int most) {
		List<Keyset.Batch> walk = new ArrayList<>();
		Object at = from;
		boolean included = fromIncluded;
		while (walk.size() < most) {
			Optional<Keyset.Batch> batch = spans.next(jdbc, at, included, n, until);
			if (batch.isEmpty()) {
				break;
			}
			walk.add(batch.get());
			at = batch.get().range().to();
			included = false;
		}
		return walk;
	}

	// every row of the table in exactly one batch, and no batch with more rows than keys
	private static void assertCoversOnce(String table, List<Keyset.Batch> walk) {
		long rows = 0;
		for (Keyset.Batch batch : walk) {
			KeyRange range = batch.range();
			long inBatch = jdbc
				.sql("SELECT count(*) FROM " + table + " WHERE id " + (range.fromIncluded() ? ">=" : ">")
						+ " :from AND id <= :to")
				.param("from", range.from())
				.param("to", range.to())
				.query(Long.class)
				.single();
			assertThat(inBatch).isLessThanOrEqualTo(batch.keys());
			rows += inBatch;
		}
		assertThat(rows).isEqualTo(jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single());
	}

	private static Keyset keyset(String table) {
		return keyset(table, "id");
	}

	private static Keyset keyset(String table, String key) {
		Backfill backfill = Backfill.sql("spans-" + table)
			.table(table)
			.key(key)
			.pending("true")
			.update("UPDATE %1$s SET %2$s = %2$s WHERE %2$s > :from AND %2$s <= :to".formatted(table, key))
			.oneWay("a test")
			.build();
		return new Keyset(TableShape.read(jdbc, backfill));
	}

}

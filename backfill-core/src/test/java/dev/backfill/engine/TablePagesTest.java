package dev.backfill.engine;

import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages a sample is drawn from: a plain table's own (a dry-run once read the whole
 * table, sorted, for want of them, and met its statement timeout above a few million
 * rows), and a partitioned table's partitions.
 */
class TablePagesTest extends DatabaseTest {

	@Test
	void aPlainTableNeverAnalyzedCountsItsOwnPages() {
		jdbc.sql("""
				CREATE TABLE plain_pages (id bigint PRIMARY KEY, filler text);
				INSERT INTO plain_pages SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g""").update();
		long size = jdbc.sql("SELECT pg_relation_size('plain_pages') / 8192").query(Long.class).single();
		assertThat(size).isGreaterThan(400);
		assertThat(TablePages.of(jdbc, "\"plain_pages\"")).isEqualTo(size);
	}

	@Test
	void aPartitionedTableCountsEveryPartition() {
		jdbc.sql("""
				CREATE TABLE parted_pages (id bigint PRIMARY KEY, filler text) PARTITION BY RANGE (id);
				CREATE TABLE parted_pages_1 PARTITION OF parted_pages FOR VALUES FROM (1) TO (10001);
				CREATE TABLE parted_pages_2 PARTITION OF parted_pages FOR VALUES FROM (10001) TO (20001);
				INSERT INTO parted_pages SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g""").update();
		long size = jdbc.sql("SELECT (pg_relation_size('parted_pages_1') + pg_relation_size('parted_pages_2')) / 8192")
			.query(Long.class)
			.single();
		assertThat(TablePages.of(jdbc, "\"parted_pages\"")).isEqualTo(size);
	}

	@Test
	void aMissingTableHasNoPages() {
		assertThat(TablePages.of(jdbc, "\"no_such_table\"")).isZero();
	}

}

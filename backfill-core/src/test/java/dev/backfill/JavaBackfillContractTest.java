package dev.backfill;

import dev.backfill.test.AbstractBackfillContractTest;

class JavaBackfillContractTest extends AbstractBackfillContractTest {

	@Override
	protected Backfill backfill(String name, String table, int batchSize) {
		return Backfill.java(name)
			.table(table)
			.key("id")
			.pending("first_name IS NULL")
			.read("full_name")
			.write("first_name", "last_name")
			.process((row) -> {
				String[] parts = row.getString("full_name").strip().split("\\s+", 2);
				row.set("first_name", parts[0]).set("last_name", (parts.length > 1) ? parts[1] : null);
			})
			.rollback(
					"UPDATE %s SET first_name = NULL, last_name = NULL WHERE id > :from AND id <= :to".formatted(table))
			.batchSize(batchSize)
			.build();
	}

	@Override
	protected void createTable(String table, int rows) {
		jdbc.sql("CREATE TABLE %s (id bigint PRIMARY KEY, full_name text NOT NULL, first_name text, last_name text)"
			.formatted(table)).update();
		insertRows(table, 1, rows);
	}

	@Override
	protected void insertRows(String table, long from, long to) {
		jdbc.sql("""
				INSERT INTO %s (id, full_name)
				SELECT g, CASE g %% 3 WHEN 0 THEN 'Ada' WHEN 1 THEN ' Grace  Brewster Hopper ' ELSE 'Alan Turing' END
				FROM generate_series(?, ?) g""".formatted(table)).params(from, to).update();
	}

	@Override
	protected long pending(String table) {
		return jdbc.sql("SELECT count(*) FROM %s WHERE first_name IS NULL".formatted(table)).query(Long.class).single();
	}

	@Override
	protected String checksum(String table) {
		return jdbc.sql("""
				SELECT md5(string_agg(id || ':' || coalesce(first_name, '-') || '/' || coalesce(last_name, '-'), ','
				  ORDER BY id)) FROM %s""".formatted(table)).query(String.class).single();
	}

}

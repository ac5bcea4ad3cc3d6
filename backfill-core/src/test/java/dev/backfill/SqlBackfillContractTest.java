package dev.backfill;

import dev.backfill.test.AbstractBackfillContractTest;

class SqlBackfillContractTest extends AbstractBackfillContractTest {

	@Override
	protected Backfill backfill(String name, String table, int batchSize) {
		return Backfill.sql(name)
			.table(table)
			.key("id")
			.pending("email_normalized IS NULL")
			.update("""
					UPDATE %s SET email_normalized = lower(trim(email))
					WHERE id > :from AND id <= :to AND email_normalized IS NULL""".formatted(table))
			.rollback("UPDATE %s SET email_normalized = NULL WHERE id > :from AND id <= :to".formatted(table))
			.batchSize(batchSize)
			.build();
	}

	@Override
	protected void createTable(String table, int rows) {
		jdbc.sql("CREATE TABLE %s (id bigint PRIMARY KEY, email text NOT NULL, email_normalized text)".formatted(table))
			.update();
		insertRows(table, 1, rows);
	}

	@Override
	protected void insertRows(String table, long from, long to) {
		jdbc.sql("INSERT INTO %s (id, email) SELECT g, '  User' || g || '@Example.COM ' FROM generate_series(?, ?) g"
			.formatted(table)).params(from, to).update();
	}

	@Override
	protected long pending(String table) {
		return jdbc.sql("SELECT count(*) FROM %s WHERE email_normalized IS NULL".formatted(table))
			.query(Long.class)
			.single();
	}

	@Override
	protected String checksum(String table) {
		return jdbc
			.sql("SELECT md5(string_agg(id || ':' || coalesce(email_normalized, '-'), ',' ORDER BY id)) FROM %s"
				.formatted(table))
			.query(String.class)
			.single();
	}

}

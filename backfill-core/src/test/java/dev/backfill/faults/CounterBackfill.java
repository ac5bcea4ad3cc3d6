package dev.backfill.faults;

import java.util.Objects;

import dev.backfill.Backfill;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The backfill under attack, in both forms: deliberately not idempotent
 * ({@code counter + 1}, rolled back by {@code counter - 1}), so that a batch applied
 * twice leaves 2 (or -1 after a rollback) and a skipped one 0. The Java form writes only
 * where the pending condition still holds, so there a redone batch shows in the batch log
 * alone.
 */
final class CounterBackfill {

	static final String TABLE = "items";

	/** Six full batches and a short one. */
	static final int ROWS = 650;

	static final int BATCH_SIZE = 100;

	private CounterBackfill() {
	}

	static void createTable(JdbcClient jdbc, KeyColumn key) {
		if (key == KeyColumn.COMPOSITE) {
			jdbc.sql("CREATE TABLE " + TABLE + " (tenant text COLLATE \"C\" NOT NULL, id bigint NOT NULL, "
					+ "counter int NOT NULL DEFAULT 0, PRIMARY KEY (tenant, id))")
				.update();
			jdbc.sql("INSERT INTO " + TABLE + " (tenant, id) SELECT 't' || (g % 7), g FROM generate_series(1, ?) g")
				.param(ROWS)
				.update();
		}
		else {
			jdbc.sql("CREATE TABLE " + TABLE + " (id " + key.type() + " PRIMARY KEY, counter int NOT NULL DEFAULT 0)")
				.update();
			jdbc.sql("INSERT INTO " + TABLE + " (id) SELECT " + key.value() + " FROM generate_series(1, ?) g")
				.param(ROWS)
				.update();
		}
		jdbc.sql("ANALYZE " + TABLE).update();
	}

	static Backfill declare(String name, Form form, KeyColumn key) {
		String range = " WHERE " + key.sql() + " > :from AND " + key.sql() + " <= :to";
		String[] columns = key.columns().toArray(String[]::new);
		String rollback = "UPDATE " + TABLE + " SET counter = counter - 1" + range;
		if (form == Form.SQL) {
			return Backfill.sql(name)
				.table(TABLE)
				.key(columns)
				.pending("counter = 0")
				.update("UPDATE " + TABLE + " SET counter = counter + 1" + range)
				.rollback(rollback)
				.verify("SELECT " + key.order() + ", 'counter is ' || counter FROM " + TABLE + range
						+ " AND counter <> 1")
				.batchSize(BATCH_SIZE)
				.build();
		}
		return Backfill.java(name)
			.table(TABLE)
			.key(columns)
			.pending("counter = 0")
			.read("counter")
			.write("counter")
			.process((row) -> row.set("counter", ((Number) Objects.requireNonNull(row.get("counter"))).intValue() + 1))
			.rollback(rollback)
			.verify((row) -> Objects.equals(row.get("counter"), 1) ? null : "counter is " + row.get("counter"))
			.batchSize(BATCH_SIZE)
			.build();
	}

}

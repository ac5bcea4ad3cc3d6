package dev.backfill.test;

import dev.backfill.Backfill;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Tables {@code (id bigint primary key, counter int)} and a deliberately non-idempotent
 * backfill over them ({@code counter = counter + 1}): a batch applied twice leaves 2, a
 * skipped one 0, so "every row is 1" proves each batch was applied exactly once.
 */
public final class Counters {

	private Counters() {
	}

	/** Creates {@code table} with rows {@code 1..rows}, every counter 0. */
	public static void create(JdbcClient jdbc, String table, int rows) {
		jdbc.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
		jdbc.sql("INSERT INTO " + table + " (id) SELECT g FROM generate_series(1, ?) g").param(rows).update();
	}

	/**
	 * The backfill: adds 1 to every counter of each range.
	 * @param name its name
	 * @param table its table, made by {@link #create}
	 * @param batchSize its declared batch size
	 * @param pauseSeconds how long each batch sleeps first, so that tests can act in the
	 * middle of a run
	 * @return the declaration
	 */
	public static Backfill counting(String name, String table, int batchSize, double pauseSeconds) {
		String update = (pauseSeconds > 0)
				? "WITH pause AS (SELECT pg_sleep(" + pauseSeconds + ")) UPDATE " + table
						+ " SET counter = counter + 1 FROM pause WHERE id > :from AND id <= :to"
				: "UPDATE " + table + " SET counter = counter + 1 WHERE id > :from AND id <= :to";
		return Backfill.sql(name)
			.table(table)
			.key("id")
			.pending("counter = 0")
			.update(update)
			.rollback("UPDATE " + table + " SET counter = 0 WHERE id > :from AND id <= :to")
			.batchSize(batchSize)
			.build();
	}

	/**
	 * The same backfill, with a statement that takes a fixed time per key whatever the
	 * machine, for tests of time.
	 * @param name its name
	 * @param table its table, made by {@link #create}
	 * @param millisPerKey how long the statement sleeps per key of its range
	 * @return the declaration, with no declared batch size (its batches adapt)
	 */
	public static Backfill timed(String name, String table, double millisPerKey) {
		return Backfill.sql(name)
			.table(table)
			.key("id")
			.pending("counter = 0")
			.update("WITH pause AS (SELECT pg_sleep((CAST(:to AS bigint) - CAST(:from AS bigint)) * " + millisPerKey
					+ " / 1000)) UPDATE " + table
					+ " SET counter = counter + 1 FROM pause WHERE id > :from AND id <= :to")
			.rollback("UPDATE " + table + " SET counter = 0 WHERE id > :from AND id <= :to")
			.build();
	}

}

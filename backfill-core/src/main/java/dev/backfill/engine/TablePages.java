package dev.backfill.engine;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A table's size in pages, for sampling it with {@code TABLESAMPLE SYSTEM}: from the
 * files, not {@code relpages} (0 until the first VACUUM or ANALYZE), and every partition
 * of a partitioned table.
 */
final class TablePages {

	// pg_partition_tree lists nothing for a table that is not partitioned: then the
	// table's own size
	private static final String PAGES = """
			SELECT coalesce((SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree(to_regclass(:table))),
			                pg_relation_size(to_regclass(:table)), 0)::bigint
			       / current_setting('block_size')::bigint""";

	private TablePages() {
	}

	/**
	 * @param jdbc a client
	 * @param table the table, quoted
	 * @return its pages, 0 when it does not exist
	 */
	static long of(JdbcClient jdbc, String table) {
		return jdbc.sql(PAGES).param("table", table).query(Long.class).optional().orElse(0L);
	}

}

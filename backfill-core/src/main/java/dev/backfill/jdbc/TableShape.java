package dev.backfill.jdbc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.backfill.Backfill;
import dev.backfill.InvalidBackfillException;
import dev.backfill.JavaBackfill;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the catalog says about a backfill's table: its columns and their types, and its
 * key. Reading it checks the declaration against the database.
 *
 * @param table the table
 * @param key the key column
 * @param keyType the key's kind
 * @param columns each column's type, by name
 */
public record TableShape(TableName table, String key, KeyType keyType, Map<String, ColumnType> columns) {

	// each type with its base type under any domains; then each column with its type,
	// that base and, for an array, its element's base
	private static final String COLUMNS = """
			WITH RECURSIVE base(oid, base) AS (
			  SELECT t.oid, t.oid FROM pg_type t WHERE t.typtype <> 'd'
			  UNION ALL
			  SELECT d.oid, b.base FROM pg_type d JOIN base b ON b.oid = d.typbasetype WHERE d.typtype = 'd')
			SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname AS typname,
			       a.attnotnull AS not_null, format_type(bt.oid, -1) AS assignable, bt.typname AS base,
			       et.typname AS element
			FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
			  JOIN base ab ON ab.oid = a.atttypid JOIN pg_type bt ON bt.oid = ab.base
			  LEFT JOIN base eb ON eb.oid = bt.typelem AND bt.typcategory = 'A'
			  LEFT JOIN pg_type et ON et.oid = eb.base
			WHERE a.attrelid = CAST(:table AS regclass) AND a.attnum > 0 AND NOT a.attisdropped
			ORDER BY a.attnum""";

	private static final String RELATION_KIND = """
			SELECT c.relkind::text FROM pg_class c WHERE c.oid = to_regclass(:table)""";

	private static final String SIMILAR_TABLE = """
			SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE lower(c.relname) = lower(:name) AND c.relkind IN ('r', 'p') LIMIT 1""";

	private static final String UNIQUE_INDEX = """
			SELECT EXISTS (
			  SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
			  WHERE i.indrelid = CAST(:table AS regclass) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
			    AND i.indnkeyatts = 1 AND a.attname = :key)""";

	private static final String SEARCH_PATH = "SELECT current_setting('search_path')";

	private static final String KEY_COLLATION = """
			SELECT quote_ident(n.nspname) || '.' || quote_ident(c.collname)
			FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
			JOIN pg_namespace n ON n.oid = c.collnamespace
			WHERE a.attrelid = CAST(:table AS regclass) AND a.attname = :key""";

	/**
	 * Reads the shape of a backfill's table and checks the declaration against it.
	 * @param jdbc a client on the target database
	 * @param backfill the declaration
	 * @return the shape
	 * @throws InvalidBackfillException naming every way the table or a column is missing,
	 * or the key is not usable
	 */
	public static TableShape read(JdbcClient jdbc, Backfill backfill) {
		List<String> problems = new ArrayList<>();
		TableShape shape = inspect(jdbc, backfill, problems);
		if (shape == null || !problems.isEmpty()) {
			throw InvalidBackfillException.of(backfill.name(), backfill.table(), problems);
		}
		return shape;
	}

	/**
	 * Reads the shape of a backfill's table, noting every way the declaration does not
	 * fit it.
	 * @param jdbc a client on the target database
	 * @param backfill the declaration
	 * @param problems receives each problem: a sentence with its values, then one with
	 * the fix
	 * @return the shape, or {@code null} when there is no table to walk by that key: no
	 * such table, or its key column is missing or of a type that cannot be walked
	 */
	public static @Nullable TableShape inspect(JdbcClient jdbc, Backfill backfill, List<String> problems) {
		TableName table = TableName.of(backfill);
		Optional<String> kind = jdbc.sql(RELATION_KIND).param("table", table.sql()).query(String.class).optional();
		if (kind.isEmpty()) {
			String similar = jdbc.sql(SIMILAR_TABLE)
				.param("name", table.name())
				.query(String.class)
				.optional()
				.map((t) -> " A table " + t + " exists: names are matched exactly, so declare .table(\"" + t + "\").")
				.orElse(" Create the table first (the migration that adds the new shape runs before its backfill), "
						+ "or correct .table(...).");
			problems.add("table " + table + " does not exist (search_path: "
					+ jdbc.sql(SEARCH_PATH).query(String.class).single() + ")." + similar);
			return null;
		}
		if (!List.of("r", "p").contains(kind.get())) {
			problems
				.add(table + " is not a table (relkind " + kind.get() + "). Backfill the underlying table instead.");
			return null;
		}
		Map<String, ColumnType> types = new LinkedHashMap<>();
		Map<String, String> typnames = new LinkedHashMap<>();
		Map<String, Boolean> notNull = new LinkedHashMap<>();
		jdbc.sql(COLUMNS).param("table", table.sql()).query((rs) -> {
			types.put(rs.getString("name"), new ColumnType(rs.getString("type"), rs.getString("assignable"),
					rs.getString("base"), rs.getString("element")));
			typnames.put(rs.getString("name"), rs.getString("typname"));
			notNull.put(rs.getString("name"), rs.getBoolean("not_null"));
		});
		String key = backfill.key();
		KeyType keyType = null;
		if (requireColumn(backfill, types, key, "key column", problems)) {
			keyType = KeyType.of(typnames.get(key));
			if (keyType == null) {
				problems.add("key column " + key + " of " + table + " has type " + types.get(key).declared()
						+ "; keys must be integer, text or uuid. Walk the table by another unique column.");
			}
			if (!notNull.get(key)) {
				problems.add("key column " + key + " of " + table + " allows NULL, and rows with a NULL key would be "
						+ "skipped. Declare it NOT NULL or pick another key.");
			}
			boolean unique = jdbc.sql(UNIQUE_INDEX)
				.param("table", table.sql())
				.param("key", key)
				.query(Boolean.class)
				.single();
			if (!unique) {
				problems.add("key column " + key + " of " + table + " has no unique index, so batches cannot be cut by "
						+ "key. Use the primary key, or run CREATE UNIQUE INDEX CONCURRENTLY ON " + table + " (" + key
						+ ").");
			}
		}
		if (backfill instanceof JavaBackfill java) {
			for (String column : java.read()) {
				requireColumn(backfill, types, column, "read column", problems);
			}
			for (String column : java.write()) {
				requireColumn(backfill, types, column, "write column", problems);
			}
		}
		return (keyType != null) ? new TableShape(table, key, keyType, Map.copyOf(types)) : null;
	}

	private static boolean requireColumn(Backfill backfill, Map<String, ColumnType> types, String column, String role,
			List<String> problems) {
		if (types.containsKey(column)) {
			return true;
		}
		problems.add(role + " " + column + " does not exist in " + backfill.table() + " (columns: "
				+ String.join(", ", types.keySet()) + "). Add the column in a migration first, or correct the "
				+ "declaration.");
		return false;
	}

	/**
	 * Tells whether the table has the columns a declaration names.
	 * @param backfill the declaration
	 * @return whether every column a Java backfill reads and writes exists; always for
	 * the SQL form, whose statements name their own
	 */
	public boolean hasColumnsOf(Backfill backfill) {
		return !(backfill instanceof JavaBackfill java)
				|| this.columns.keySet().containsAll(java.read()) && this.columns.keySet().containsAll(java.write());
	}

	/**
	 * A column's type.
	 * @param column a column of the table
	 * @return its type
	 * @throws IllegalArgumentException when the table has no such column
	 */
	public ColumnType column(String column) {
		ColumnType type = this.columns.get(column);
		if (type == null) {
			throw new IllegalArgumentException("Table " + this.table + " has no column " + column);
		}
		return type;
	}

	/**
	 * Reads the collation a text key is ordered by, so that keys stored as text compare
	 * as the column's own do.
	 * @param jdbc a client on the target database
	 * @return for a text key, its column's collation as a quoted, qualified name
	 * ({@code "pg_catalog"."C"}); {@code null} for another key type (asked nothing), or
	 * when the column has none
	 */
	public @Nullable String keyCollation(JdbcClient jdbc) {
		if (this.keyType != KeyType.TEXT) {
			return null;
		}
		return jdbc.sql(KEY_COLLATION)
			.param("table", this.table.sql())
			.param("key", this.key)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	/**
	 * @return the quoted key column
	 */
	public String keySql() {
		return SqlIdentifier.quote(this.key);
	}

}

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
 * @param key the key: its columns and their kinds
 * @param columns each column's type, by name
 */
public record TableShape(TableName table, TableKey key, Map<String, ColumnType> columns) {

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

	// a valid unique index over exactly the key's columns, in its order, all of them in
	// one direction: one range scan of it (backward for a descending one) answers a
	// row-value comparison
	private static final String UNIQUE_INDEX = """
			SELECT EXISTS (
			  SELECT 1 FROM pg_index i
			  WHERE i.indrelid = CAST(:table AS regclass) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
			    AND i.indnkeyatts = cardinality(CAST(:keys AS text[]))
			    AND ARRAY(SELECT a.attname::text FROM unnest(CAST(i.indkey AS int2[])) WITH ORDINALITY k(attnum, n)
			              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
			              WHERE k.n <= i.indnkeyatts ORDER BY k.n) = CAST(:keys AS text[])
			    AND (SELECT count(DISTINCT o.opt & 1) FROM unnest(CAST(i.indoption AS int2[])) WITH ORDINALITY o(opt, n)
			         WHERE o.n <= i.indnkeyatts) = 1)""";

	// a unique index over the same columns in another order, to name in the fix
	private static final String OTHER_ORDER = """
			SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM pg_index i,
			  unnest(CAST(i.indkey AS int2[])) WITH ORDINALITY k(attnum, n)
			  JOIN pg_attribute a ON a.attnum = k.attnum
			WHERE i.indrelid = CAST(:table AS regclass) AND a.attrelid = i.indrelid AND i.indisunique AND i.indisvalid
			  AND i.indpred IS NULL AND i.indnkeyatts = cardinality(CAST(:keys AS text[])) AND k.n <= i.indnkeyatts
			GROUP BY i.indexrelid
			HAVING array_agg(a.attname::text ORDER BY a.attname)
			  = ARRAY(SELECT unnest(CAST(:keys AS text[])) ORDER BY 1)
			LIMIT 1""";

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
		if (kind.isEmpty() && backfill.schema() != null) {
			problems.add("table " + table + " does not exist: schema " + backfill.schema() + " matches the "
					+ "declaration's schemas but has no table " + table.name()
					+ ". Create it there (the migration that "
					+ "adds a tenant's tables runs before its backfill), or keep the schema out of .schemas(...).");
			return null;
		}
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
		TableKey key = key(jdbc, backfill, table, types, typnames, notNull, problems);
		if (backfill instanceof JavaBackfill java) {
			for (String column : java.read()) {
				requireColumn(backfill, types, column, "read column", problems);
			}
			for (String column : java.write()) {
				requireColumn(backfill, types, column, "write column", problems);
			}
		}
		return (key != null) ? new TableShape(table, key, Map.copyOf(types)) : null;
	}

	// the declared key columns, each walkable, and a unique index over exactly them
	private static @Nullable TableKey key(JdbcClient jdbc, Backfill backfill, TableName table,
			Map<String, ColumnType> types, Map<String, String> typnames, Map<String, Boolean> notNull,
			List<String> problems) {
		List<String> columns = backfill.keyColumns();
		List<KeyType> keyTypes = new ArrayList<>();
		for (String column : columns) {
			if (!requireColumn(backfill, types, column, "key column", problems)) {
				continue;
			}
			KeyType keyType = KeyType.of(typnames.get(column));
			if (keyType == null) {
				problems.add("key column " + column + " of " + table + " has type " + types.get(column).declared()
						+ "; keys must be integer, text or uuid. Walk the table by another unique column.");
			}
			else {
				keyTypes.add(keyType);
			}
			if (!notNull.get(column)) {
				problems
					.add("key column " + column + " of " + table + " allows NULL, and rows with a NULL key would be "
							+ "skipped. Declare it NOT NULL or pick another key.");
			}
		}
		if (keyTypes.size() != columns.size()) {
			return null;
		}
		String[] names = columns.toArray(String[]::new);
		boolean unique = jdbc.sql(UNIQUE_INDEX)
			.param("table", table.sql())
			.param("keys", names)
			.query(Boolean.class)
			.single();
		if (!unique) {
			String list = String.join(", ", columns);
			if (columns.size() == 1) {
				problems
					.add("key column " + list + " of " + table + " has no unique index, so batches cannot be cut by "
							+ "key. Use the primary key, or run CREATE UNIQUE INDEX CONCURRENTLY ON " + table + " ("
							+ list + ").");
			}
			else {
				String other = jdbc.sql(OTHER_ORDER)
					.param("table", table.sql())
					.param("keys", names)
					.query(String.class)
					.optional()
					.orElse(null);
				problems.add("key (" + list + ") of " + table + " has no unique index over exactly these columns in "
						+ "this order, all ascending or all descending, so batches cannot be cut by one index range "
						+ "scan. "
						+ ((other != null)
								? "A unique index over (" + other + ") exists: declare the key in its order, "
										+ ".key(\"" + String.join("\", \"", other.split(", ")) + "\")."
								: "Use the primary key's columns in its order, or run CREATE UNIQUE INDEX "
										+ "CONCURRENTLY ON " + table + " (" + list + ")."));
			}
		}
		return new TableKey(columns, keyTypes);
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
	 * Reads the collations the key's text columns are ordered by, so that keys stored as
	 * text compare as the columns' own do.
	 * @param jdbc a client on the target database
	 * @return for each key column, in order: for a text column, its collation as a
	 * quoted, qualified name ({@code "pg_catalog"."C"}); {@code null} for another type
	 * (asked nothing), or when the column has none
	 */
	public List<@Nullable String> keyCollations(JdbcClient jdbc) {
		List<@Nullable String> collations = new ArrayList<>();
		for (int i = 0; i < this.key.columns().size(); i++) {
			collations.add((this.key.types().get(i) != KeyType.TEXT) ? null
					: jdbc.sql(KEY_COLLATION)
						.param("table", this.table.sql())
						.param("key", this.key.columns().get(i))
						.query(String.class)
						.optional()
						.orElse(null));
		}
		return collations;
	}

	/**
	 * @return the key as one comparable expression: the quoted column, or a row value of
	 * the quoted columns
	 */
	public String keySql() {
		return this.key.sql();
	}

}

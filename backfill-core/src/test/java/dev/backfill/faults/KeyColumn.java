package dev.backfill.faults;

/**
 * The key types a backfill walks in the matrix, each with a table of
 * {@link CounterBackfill#ROWS} rows.
 */
enum KeyColumn {

	BIGINT("bigint", "bigint", "g"),

	/** Text in byte order: 'K…' < 'a …' < 'k…'. */
	TEXT_C("text C", "text COLLATE \"C\"", KeyColumn.TEXT_KEYS),

	/** Text in ICU's root order, where case and spaces weigh less than in C. */
	TEXT_ICU("text ICU", "text COLLATE \"und-x-icu\"", KeyColumn.TEXT_KEYS),

	UUID("uuid", "uuid", "md5(g::text)::uuid"),

	/**
	 * A composite key {@code (tenant, id)}: text in byte order, then a bigint, with the
	 * tenants' rows interleaved by id.
	 */
	COMPOSITE("(text, bigint)", "bigint", "g");

	private static final String TEXT_KEYS = "CASE g % 3 WHEN 0 THEN 'k' WHEN 1 THEN 'K' ELSE 'a ' END "
			+ "|| lpad(g::text, 6, '0')";

	private final String label;

	private final String type;

	private final String value;

	KeyColumn(String label, String type, String value) {
		this.label = label;
		this.type = type;
		this.value = value;
	}

	String label() {
		return this.label;
	}

	/**
	 * @return the column's type, with its collation
	 */
	String type() {
		return this.type;
	}

	/**
	 * @return the key's columns, in order
	 */
	java.util.List<String> columns() {
		return (this == COMPOSITE) ? java.util.List.of("tenant", "id") : java.util.List.of("id");
	}

	/**
	 * @return the key as one comparable SQL expression: {@code id} or
	 * {@code (tenant, id)}
	 */
	String sql() {
		return (this == COMPOSITE) ? "(tenant, id)" : "id";
	}

	/**
	 * @return the key's order, column by column
	 */
	String order() {
		return String.join(", ", columns());
	}

	/**
	 * @return the key as the batch log stores it, as SQL
	 */
	String text() {
		return (this == COMPOSITE) ? "CAST(json_build_array(tenant, id) AS text)" : "CAST(id AS text)";
	}

	/**
	 * @return the id of row {@code g} of {@code generate_series}, as SQL
	 */
	String value() {
		return this.value;
	}

}

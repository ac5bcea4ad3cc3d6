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

	UUID("uuid", "uuid", "md5(g::text)::uuid");

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
	 * @return the key of row {@code g} of {@code generate_series}, as SQL
	 */
	String value() {
		return this.value;
	}

}

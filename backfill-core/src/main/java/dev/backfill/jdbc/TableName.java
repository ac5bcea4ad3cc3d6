package dev.backfill.jdbc;

import dev.backfill.Backfill;
import org.jspecify.annotations.Nullable;

/**
 * A table name, optionally qualified by its schema.
 *
 * @param schema the schema, or {@code null} for the search path
 * @param name the table
 */
public record TableName(@Nullable String schema, String name) {

	/**
	 * The table a backfill walks.
	 * @param backfill the declaration
	 * @return the name it declares with {@link Backfill.Builder#table(String)}
	 */
	public static TableName of(Backfill backfill) {
		return parse(backfill.table(), backfill.name());
	}

	/**
	 * Parses {@code "table"} or {@code "schema.table"}.
	 * @param qualified the name
	 * @param backfill the declaring backfill, for messages
	 * @return the table name
	 * @throws dev.backfill.InvalidBackfillException when a part is not a valid identifier
	 */
	public static TableName parse(String qualified, String backfill) {
		int dot = (qualified != null) ? qualified.indexOf('.') : -1;
		if (dot < 0) {
			return new TableName(null, SqlIdentifier.check(qualified, backfill, "table"));
		}
		return new TableName(SqlIdentifier.check(qualified.substring(0, dot), backfill, "schema"),
				SqlIdentifier.check(qualified.substring(dot + 1), backfill, "table"));
	}

	/**
	 * @return the quoted, possibly qualified name to use in SQL
	 */
	public String sql() {
		return (this.schema != null) ? SqlIdentifier.quote(this.schema) + "." + SqlIdentifier.quote(this.name)
				: SqlIdentifier.quote(this.name);
	}

	@Override
	public String toString() {
		return (this.schema != null) ? this.schema + "." + this.name : this.name;
	}

}

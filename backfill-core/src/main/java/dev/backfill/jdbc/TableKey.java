package dev.backfill.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.backfill.KeyTuple;
import org.jspecify.annotations.Nullable;

/**
 * A table's key as a backfill walks it: one column, or several compared as a row value
 * ({@code (tenant_id, id) > (?, ?)}), which PostgreSQL answers with one range scan of the
 * unique index over exactly those columns. A one-column key's value is its column's Java
 * form; a composite key's is a {@link KeyTuple}. Both are stored as text: the value
 * itself, or the tuple's JSON array.
 *
 * @param columns the key columns, in the index's order
 * @param types each column's kind
 */
public record TableKey(List<String> columns, List<KeyType> types) {

	/**
	 * Validates the key.
	 * @throws IllegalArgumentException when there is no column, or a column has no type
	 */
	public TableKey {
		columns = List.copyOf(columns);
		types = List.copyOf(types);
		if (columns.isEmpty() || columns.size() != types.size()) {
			throw new IllegalArgumentException("A key has one type per column: " + columns + ", " + types);
		}
	}

	/**
	 * @param column the key column
	 * @param type its kind
	 * @return a one-column key
	 */
	public static TableKey of(String column, KeyType type) {
		return new TableKey(List.of(column), List.of(type));
	}

	/**
	 * @return whether the key has more than one column
	 */
	public boolean composite() {
		return this.columns.size() > 1;
	}

	/**
	 * @return the kind of a one-column key; {@code null} for a composite one
	 */
	public @Nullable KeyType type() {
		return composite() ? null : this.types.get(0);
	}

	/**
	 * @return whether the key is one integer column, which a walk may also span by
	 * arithmetic
	 */
	public boolean integer() {
		return !composite() && this.types.get(0) == KeyType.INTEGER;
	}

	/**
	 * @return the key as one comparable expression: the quoted column, or a row value
	 * {@code ("tenant_id", "id")}
	 */
	public String sql() {
		return composite() ? "(" + select() + ")" : SqlIdentifier.quote(this.columns.get(0));
	}

	/**
	 * @return the quoted columns, as a select list
	 */
	public String select() {
		return this.columns.stream().map(SqlIdentifier::quote).collect(Collectors.joining(", "));
	}

	/**
	 * The key's order, column by column, which the unique index gives without sorting (a
	 * row value in {@code ORDER BY} is sorted apart from the index).
	 * @param descending from the largest key down
	 * @return the {@code ORDER BY} list
	 */
	public String order(boolean descending) {
		return this.columns.stream()
			.map((c) -> SqlIdentifier.quote(c) + (descending ? " DESC" : ""))
			.collect(Collectors.joining(", "));
	}

	/**
	 * @return how the key is named to a person: {@code id}, or {@code (tenant_id, id)}
	 */
	public String display() {
		return composite() ? "(" + String.join(", ", this.columns) + ")" : this.columns.get(0);
	}

	/**
	 * Reads a key from a row of a result that selects {@link #select()}.
	 * @param rs the result, on its row
	 * @param first the index of the key's first column, from 1
	 * @return the key's Java form
	 * @throws SQLException when the driver does
	 */
	public Object read(ResultSet rs, int first) throws SQLException {
		if (!composite()) {
			return this.types.get(0).fromJdbc(rs.getObject(first));
		}
		List<Object> values = new ArrayList<>(this.types.size());
		for (int i = 0; i < this.types.size(); i++) {
			values.add(this.types.get(i).fromJdbc(rs.getObject(first + i)));
		}
		return new KeyTuple(values);
	}

	/**
	 * The value to bind a parameter compared with {@link #sql()} to: a one-column key's
	 * value itself; for a composite key, a list holding one array, which Spring's named
	 * parameters expand into a row of bound values, {@code (?, ?)}.
	 * @param key the key's Java form
	 * @return the parameter value
	 */
	public static Object param(Object key) {
		if (key instanceof KeyTuple tuple) {
			return List.<Object[]>of(tuple.values().toArray());
		}
		return key;
	}

	/**
	 * Reads a key stored as text (in the batch log, a checkpoint or job parameters).
	 * @param text the text form: the value, or a composite key's JSON array
	 * @return the Java form
	 * @throws IllegalArgumentException when the text is not a key of this shape
	 */
	public Object parse(String text) {
		if (!composite()) {
			return this.types.get(0).parse(text);
		}
		List<String> parts = JsonArray.parse(text);
		if (parts.size() != this.types.size()) {
			throw new IllegalArgumentException("Key " + text + " has " + parts.size() + " values, where key "
					+ display() + " has " + this.types.size() + " columns");
		}
		List<Object> values = new ArrayList<>(parts.size());
		for (int i = 0; i < parts.size(); i++) {
			values.add(this.types.get(i).parse(parts.get(i)));
		}
		return new KeyTuple(values);
	}

	/**
	 * The keys of some rows as one text array per key column, as a write matched by key
	 * binds them ({@code unnest(?::text[], ?::text[], ...)}): for a one-column key, each
	 * key's text; for a composite key, each column's values, with no JSON for the
	 * database to parse.
	 * @param keys the keys' Java forms, each a key of this shape
	 * @return one array per key column, each in the order of the keys
	 */
	public List<String[]> columnsOf(List<Object> keys) {
		List<String[]> columns = new ArrayList<>();
		for (int i = 0; i < this.columns.size(); i++) {
			columns.add(new String[keys.size()]);
		}
		for (int k = 0; k < keys.size(); k++) {
			Object key = keys.get(k);
			for (int i = 0; i < columns.size(); i++) {
				columns.get(i)[k] = ((key instanceof KeyTuple tuple) ? tuple.get(i) : key).toString();
			}
		}
		return columns;
	}

	/**
	 * Names the key's columns in a query of one's own: {@code k} for a one-column key,
	 * {@code k0, k1, ...} for a composite one.
	 * @param prefix the prefix of the names
	 * @return the names, in key order
	 */
	public List<String> aliases(String prefix) {
		if (!composite()) {
			return List.of(prefix);
		}
		List<String> names = new ArrayList<>();
		for (int i = 0; i < this.columns.size(); i++) {
			names.add(prefix + i);
		}
		return names;
	}

	/**
	 * An SQL expression that writes a key as it is stored: the value's text, or for a
	 * composite key the JSON array that {@link KeyTuple#toString()} writes too.
	 * @param values an SQL expression for each key column, in order
	 * @return the expression, of type text
	 */
	public static String text(List<String> values) {
		return (values.size() == 1) ? "CAST(" + values.get(0) + " AS text)"
				: "CAST(json_build_array(" + String.join(", ", values) + ") AS text)";
	}

	/**
	 * An SQL expression that reads a key stored as text back into the key's own types, so
	 * that the database compares stored keys as it compares the columns.
	 * @param text an SQL expression of type text holding a stored key
	 * @param collations for each column, its collation as a quoted, qualified name, or
	 * {@code null} for none
	 * @return the expression: a cast value, or a row of them
	 */
	public String fromText(String text, List<@Nullable String> collations) {
		if (!composite()) {
			return cast(text, this.types.get(0), collations.get(0));
		}
		List<String> values = new ArrayList<>();
		for (int i = 0; i < this.types.size(); i++) {
			values.add(cast("(CAST(" + text + " AS jsonb) ->> " + i + ")", this.types.get(i), collations.get(i)));
		}
		return "ROW(" + String.join(", ", values) + ")";
	}

	private static String cast(String text, KeyType type, @Nullable String collation) {
		return "CAST(" + text + " AS " + type.sqlType() + ")" + ((collation != null) ? " COLLATE " + collation : "");
	}

}

package dev.backfill.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.backfill.Row;
import dev.backfill.jdbc.KeyType;
import org.jspecify.annotations.Nullable;

/**
 * A row of the table as the Java form sees it: its key and the columns read, and the new values set on it. For a
 * verify check no column is writable.
 */
final class TableRow implements Row {

	private final String backfill;

	private final Object key;

	private final Map<String, @Nullable Object> values;

	private final List<String> writable;

	private final Map<String, @Nullable Object> changes = new LinkedHashMap<>();

	private TableRow(String backfill, Object key, Map<String, @Nullable Object> values, List<String> writable) {
		this.backfill = backfill;
		this.key = key;
		this.values = values;
		this.writable = writable;
	}

	/**
	 * Reads the current row of a result set: the key in column 1, then the given columns.
	 */
	static TableRow read(ResultSet rs, String backfill, KeyType keyType, List<String> columns, List<String> writable)
			throws SQLException {
		Map<String, @Nullable Object> values = new LinkedHashMap<>();
		for (int c = 0; c < columns.size(); c++) {
			values.put(columns.get(c), rs.getObject(c + 2));
		}
		return new TableRow(backfill, keyType.fromJdbc(rs.getObject(1)), values, writable);
	}

	@Override
	public Object key() {
		return this.key;
	}

	@Override
	public @Nullable Object get(String column) {
		if (!this.values.containsKey(column)) {
			throw new IllegalArgumentException("Backfill '" + this.backfill + "' reads no column " + column
					+ ": add it to .read(...)");
		}
		return this.values.get(column);
	}

	@Override
	public Row set(String column, @Nullable Object value) {
		if (!this.writable.contains(column)) {
			throw new IllegalArgumentException("Backfill '" + this.backfill + "' writes no column " + column
					+ ((this.writable.isEmpty()) ? ": a verify check reads rows only" : ": add it to .write(...)"));
		}
		this.changes.put(column, value);
		return this;
	}

	/** @return the new values set, by column, in the order set */
	Map<String, @Nullable Object> changes() {
		return this.changes;
	}

}

package dev.backfill.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.backfill.Row;
import org.jspecify.annotations.Nullable;

/**
 * A row of the table as the Java form sees it: its key and the columns read, and the new
 * values set on it, kept as the text PostgreSQL reads back exactly. For a verify check no
 * column is writable.
 */
final class TableRow implements Row {

	private final String backfill;

	private final Object key;

	private final Map<String, @Nullable Object> values;

	private final Map<String, ValueType> writable;

	private final Map<String, @Nullable String> changes = new LinkedHashMap<>();

	TableRow(String backfill, Object key, Map<String, @Nullable Object> values, Map<String, ValueType> writable) {
		this.backfill = backfill;
		this.key = key;
		this.values = values;
		this.writable = writable;
	}

	@Override
	public Object key() {
		return this.key;
	}

	@Override
	public @Nullable Object get(String column) {
		if (!this.values.containsKey(column)) {
			throw new IllegalArgumentException(
					"Backfill '" + this.backfill + "' reads no column " + column + ": add it to .read(...)");
		}
		return this.values.get(column);
	}

	@Override
	public @Nullable String getString(String column) {
		return ValueText.of(get(column), ValueType.TEXT,
				() -> "Backfill '" + this.backfill + "' cannot read column " + column + " on key " + this.key);
	}

	@Override
	public Row set(String column, @Nullable Object value) {
		ValueType type = this.writable.get(column);
		if (type == null) {
			throw new IllegalArgumentException("Backfill '" + this.backfill + "' writes no column " + column
					+ ((this.writable.isEmpty()) ? ": a verify check reads rows only" : ": add it to .write(...)"));
		}
		this.changes.put(column, ValueText.of(value, type,
				() -> "Backfill '" + this.backfill + "' cannot write column " + column + " on key " + this.key));
		return this;
	}

	/**
	 * @return the text of the new values set, by column, in the order set
	 */
	Map<String, @Nullable String> changes() {
		return this.changes;
	}

}

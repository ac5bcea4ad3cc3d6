package dev.backfill.engine;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.backfill.jdbc.SqlIdentifier;
import dev.backfill.jdbc.TableKey;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;

/**
 * The columns of the rows a Java backfill's processor or verify check sees: those read,
 * each with the Java type it is read as, and those it may set, each with how the values
 * set are written.
 */
final class RowColumns {

	private final String backfill;

	private final TableKey key;

	private final List<String> read;

	private final List<ValueType> readTypes;

	private final Map<String, ValueType> writable;

	/**
	 * @param backfill the backfill's name
	 * @param shape the table
	 * @param read the columns read, after the key
	 * @param writable the columns that may be set, none for a verify check
	 */
	RowColumns(String backfill, TableShape shape, List<String> read, List<String> writable) {
		this.backfill = backfill;
		this.key = shape.key();
		this.read = List.copyOf(read);
		this.readTypes = read.stream().map((c) -> ValueType.of(shape.column(c))).toList();
		Map<String, ValueType> written = new LinkedHashMap<>();
		writable.forEach((c) -> written.put(c, ValueType.written(shape.column(c))));
		this.writable = Collections.unmodifiableMap(written);
	}

	/**
	 * @return the select list of the columns read, each after a comma, for a query that
	 * selects the key's columns first
	 */
	String selectList() {
		StringBuilder list = new StringBuilder();
		for (int c = 0; c < this.read.size(); c++) {
			list.append(", ").append(this.readTypes.get(c).select(SqlIdentifier.quote(this.read.get(c))));
		}
		return list.toString();
	}

	/**
	 * Reads the current row of a result set: the key in its first columns, then the
	 * columns read.
	 * @param rs a result set of a query with {@link #selectList()}
	 * @return the row
	 * @throws SQLException when the driver fails
	 */
	TableRow read(ResultSet rs) throws SQLException {
		Map<String, @Nullable Object> values = new LinkedHashMap<>();
		for (int c = 0; c < this.read.size(); c++) {
			values.put(this.read.get(c), this.readTypes.get(c).read(rs, c + 1 + this.key.columns().size()));
		}
		return new TableRow(this.backfill, this.key.read(rs, 1), values, this.writable);
	}

}

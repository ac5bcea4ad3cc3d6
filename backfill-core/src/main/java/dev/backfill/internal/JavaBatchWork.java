package dev.backfill.internal;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import dev.backfill.Backfill;
import dev.backfill.KeyRange;
import dev.backfill.RowProcessor;
import dev.backfill.jdbc.SqlIdentifier;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The Java form: reads the pending rows of the range in one query, runs the processor on each, and writes all new
 * values in one {@code UPDATE ... FROM unnest(...)} whose text never changes with the batch size (one plan, and about
 * twice the speed of a JDBC batch of single-row updates). The write re-checks the pending condition, so a row the
 * application changed in between is left alone.
 */
final class JavaBatchWork implements BatchWork {

	private final Backfill backfill;

	private final TableShape shape;

	private final RowProcessor processor;

	private final String select;

	private final String write;

	private final String unnest;

	JavaBatchWork(Backfill backfill, TableShape shape) {
		this.backfill = backfill;
		this.shape = shape;
		this.processor = backfill.processor();
		String table = shape.table().sql();
		String key = shape.keySql();
		String columns = backfill.reads().stream().map(SqlIdentifier::quote).map((c) -> ", " + c)
			.collect(Collectors.joining());
		this.select = "SELECT " + key + columns + " FROM " + table + " WHERE " + key + " > :from AND " + key
				+ " <= :to AND (" + backfill.pending() + ") ORDER BY " + key;
		List<String> writes = backfill.writes();
		StringBuilder sql = new StringBuilder("UPDATE ").append(table).append(" SET ");
		for (int i = 0; i < writes.size(); i++) {
			sql.append((i > 0) ? ", " : "").append(SqlIdentifier.quote(writes.get(i)))
				.append(" = backfill_v.backfill_c").append(i).append("::").append(shape.columnTypes().get(writes.get(i)));
		}
		sql.append(" FROM unnest(?::text[]");
		sql.append(", ?::text[]".repeat(writes.size()));
		sql.append(") AS backfill_v(backfill_key");
		for (int i = 0; i < writes.size(); i++) {
			sql.append(", backfill_c").append(i);
		}
		sql.append(") WHERE ").append(table).append('.').append(key).append(" = backfill_v.backfill_key::")
			.append(shape.columnTypes().get(shape.key())).append(" AND (").append(backfill.pending()).append(')');
		this.write = sql.toString();
		this.unnest = "SELECT count(*) FROM unnest(?::text[]" + ", ?::text[]".repeat(writes.size()) + ")";
	}

	@Override
	public long apply(JdbcClient jdbc, KeyRange range) {
		Changes changes = process(jdbc, range);
		return changes.keys.isEmpty() ? 0 : bind(jdbc.sql(this.write), changes).update();
	}

	// the same reads, processing and parameters as apply(), sent to a statement that writes nothing
	@Override
	public long warmUp(JdbcClient jdbc, KeyRange range) {
		Changes changes = process(jdbc, range);
		if (!changes.keys.isEmpty()) {
			bind(jdbc.sql(this.unnest), changes).query(Long.class).single();
		}
		return changes.processed;
	}

	private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, Changes changes) {
		JdbcClient.StatementSpec bound = statement.param(changes.keys.toArray(String[]::new));
		for (List<@Nullable String> column : changes.columns) {
			bound = bound.param(column.toArray(String[]::new));
		}
		return bound;
	}

	// reads the range's pending rows and runs the processor on each: the new values, by column
	private Changes process(JdbcClient jdbc, KeyRange range) {
		List<TableRow> rows = jdbc.sql(this.select).param("from", range.from()).param("to", range.to())
			.query((rs, i) -> TableRow.read(rs, this.backfill.name(), this.shape.keyType(), this.backfill.reads(),
					this.backfill.writes()))
			.list();
		List<String> writes = this.backfill.writes();
		Changes changes = new Changes(rows.size(), new ArrayList<>(rows.size()), new ArrayList<>());
		writes.forEach((w) -> changes.columns.add(new ArrayList<>(rows.size())));
		for (TableRow row : rows) {
			this.processor.process(row);
			if (row.changes().isEmpty()) {
				continue;
			}
			if (row.changes().size() != writes.size()) {
				// a column left unset would be overwritten with NULL: refuse rather than guess
				throw new IllegalStateException("Backfill '" + this.backfill.name() + "' set " + row.changes().keySet()
						+ " on key " + row.key() + " but declares .write(" + String.join(", ", writes)
						+ "): set every written column, or none to skip the row");
			}
			changes.keys.add(row.key().toString());
			for (int i = 0; i < writes.size(); i++) {
				changes.columns.get(i).add(text(row.changes().get(writes.get(i))));
			}
		}
		return changes;
	}

	@Override
	public List<PlannedStatement> statements(KeyRange probe) {
		return List.of(PlannedStatement.of("read of the pending rows", PlannedStatement.Use.READ, (jdbc) -> {
			jdbc.sql("EXPLAIN " + this.select).param("from", probe.from()).param("to", probe.to()).query().listOfRows();
			return null;
		}, ".pending(...)", ".read(...)"), PlannedStatement.of("write of the new values", PlannedStatement.Use.WRITE,
				(jdbc) -> {
					JdbcClient.StatementSpec statement = jdbc.sql("EXPLAIN " + this.write).param(new String[0]);
					for (int i = 0; i < this.backfill.writes().size(); i++) {
						statement = statement.param(new String[0]);
					}
					statement.query().listOfRows();
					return null;
				}, ".pending(...)", ".write(...)"));
	}

	// PostgreSQL parses these text forms back into the column's type
	private static @Nullable String text(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		if (value instanceof byte[] bytes) {
			return "\\x" + HexFormat.of().formatHex(bytes);
		}
		return value.toString();
	}

	private record Changes(int processed, List<String> keys, List<List<@Nullable String>> columns) {
	}

}

package dev.backfill.engine;

import java.util.List;

import dev.backfill.KeyRange;
import dev.backfill.jdbc.RangeStatement;
import dev.backfill.jdbc.TableKey;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The SQL form: the declared set-based statement, bound to the range.
 */
final class SqlBatchWork implements BatchWork {

	private final RangeStatement update;

	SqlBatchWork(String statement) {
		this.update = RangeStatement.of(statement);
	}

	@Override
	public long apply(JdbcClient jdbc, KeyRange range) {
		return jdbc.sql(this.update.sql(range))
			.param("from", TableKey.param(range.from()))
			.param("to", TableKey.param(range.to()))
			.update();
	}

	@Override
	public List<PlannedStatement> statements(KeyRange probe) {
		return List.of(PlannedStatement.of("update statement", PlannedStatement.Use.WRITE, (jdbc) -> {
			jdbc.sql("EXPLAIN " + this.update.sql(probe))
				.param("from", TableKey.param(probe.from()))
				.param("to", TableKey.param(probe.to()))
				.query()
				.listOfRows();
			return null;
		}, ".update(...)"));
	}

}

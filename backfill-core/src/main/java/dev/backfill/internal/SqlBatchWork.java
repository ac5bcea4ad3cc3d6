package dev.backfill.internal;

import java.util.Objects;

import dev.backfill.Backfill;
import dev.backfill.KeyRange;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The SQL form: the declared set-based statement, bound to the range.
 */
final class SqlBatchWork implements BatchWork {

	private final String update;

	SqlBatchWork(Backfill backfill) {
		this(Objects.requireNonNull(backfill.update()));
	}

	SqlBatchWork(String statement) {
		this.update = statement;
	}

	@Override
	public long apply(JdbcClient jdbc, KeyRange range) {
		return jdbc.sql(this.update).param("from", range.from()).param("to", range.to()).update();
	}

	@Override
	public void check(JdbcClient jdbc, KeyRange probe) {
		jdbc.sql("EXPLAIN " + this.update).param("from", probe.from()).param("to", probe.to()).query().listOfRows();
	}

}

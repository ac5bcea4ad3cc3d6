package dev.backfill.internal;

import dev.backfill.Backfill;
import dev.backfill.KeyRange;
import dev.backfill.jdbc.TableShape;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What one batch does to its key range, inside the batch's transaction.
 */
interface BatchWork {

	/**
	 * Applies the batch.
	 * @param jdbc a client bound to the batch's transaction
	 * @param range the key range
	 * @return rows changed
	 */
	long apply(JdbcClient jdbc, KeyRange range);

	/**
	 * Plans (never runs) the batch's statements, so a mistyped column fails at startup, not mid-run.
	 * @param jdbc a client
	 * @param probe a range of the key's type to bind
	 */
	void check(JdbcClient jdbc, KeyRange probe);

	static BatchWork of(Backfill backfill, TableShape shape) {
		return switch (backfill.form()) {
			case SQL -> new SqlBatchWork(backfill);
			case JAVA -> new JavaBatchWork(backfill, shape);
		};
	}

}

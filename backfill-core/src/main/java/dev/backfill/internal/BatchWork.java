package dev.backfill.internal;

import java.util.List;

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
	 * Runs the batch's client side without writing, so that a dry-run can compile (JIT) the per-row code before it
	 * times anything.
	 * @param jdbc a client
	 * @param range the key range
	 * @return rows read and processed
	 */
	default long warmUp(JdbcClient jdbc, KeyRange range) {
		return 0;
	}

	/**
	 * The batch's statements, to plan (never run) at startup.
	 * @param probe a range of the key's type to bind
	 * @return the statements, each planned on its own
	 */
	List<PlannedStatement> statements(KeyRange probe);

	static BatchWork of(Backfill backfill, TableShape shape) {
		return switch (backfill.form()) {
			case SQL -> new SqlBatchWork(backfill);
			case JAVA -> new JavaBatchWork(backfill, shape);
		};
	}

}

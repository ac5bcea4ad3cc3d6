package dev.backfill.engine;

import java.util.List;

import dev.backfill.Backfill;
import dev.backfill.JavaBackfill;
import dev.backfill.KeyRange;
import dev.backfill.SqlBackfill;
import dev.backfill.jdbc.TableShape;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;

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
	 * Runs the batch's client side without writing, so that a dry-run can compile (JIT)
	 * the per-row code before it times anything.
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

	/**
	 * Explains a failure of the batch that no retry can mend, after the batch's savepoint
	 * was rolled back.
	 * @param jdbc a client bound to the batch's transaction
	 * @param range the key range
	 * @param failure what the batch failed with
	 * @param savepoint runs statements in a savepoint of their own, to try what failed
	 * again without effect
	 * @return the failure to end the run with: by default the failure itself
	 */
	default RuntimeException explain(JdbcClient jdbc, KeyRange range, DataAccessException failure,
			TransactionOperations savepoint) {
		return failure;
	}

	// Backfill is sealed: a declaration that is not SQL is Java
	static BatchWork of(Backfill backfill, TableShape shape) {
		if (backfill instanceof SqlBackfill sql) {
			return new SqlBatchWork(sql.update());
		}
		return new JavaBatchWork((JavaBackfill) backfill, shape);
	}

}

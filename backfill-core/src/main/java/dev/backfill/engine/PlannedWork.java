package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.backfill.Backfill;
import dev.backfill.KeyRange;
import dev.backfill.jdbc.TableShape;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the planner says of a backfill's work without running any of it: the statements
 * validation plans, and the pending rows a status shows before the first run.
 */
final class PlannedWork {

	private PlannedWork() {
	}

	/**
	 * Every statement a backfill's work uses, to plan without running: the pending
	 * condition first, as the others hold it too.
	 * @param backfill the declaration
	 * @param shape its table's shape
	 * @return the statements, each planned on its own
	 */
	static List<PlannedStatement> statements(Backfill backfill, TableShape shape) {
		Object low = switch (shape.keyType()) {
			case INTEGER -> 0L;
			case TEXT -> "";
			case UUID -> new UUID(0, 0);
		};
		Object high = switch (shape.keyType()) {
			case INTEGER -> 1L;
			case TEXT -> "~";
			case UUID -> new UUID(0, 1);
		};
		KeyRange probe = new KeyRange(low, high);
		List<PlannedStatement> statements = new ArrayList<>();
		statements.add(PlannedStatement.of("pending condition", PlannedStatement.Use.READ, (jdbc) -> {
			new RemainingWork(backfill, shape).pendingAfter(jdbc, low);
			return null;
		}, ".pending(...)"));
		if (shape.hasColumnsOf(backfill)) {
			// a missing column is named already
			statements.addAll(BatchWork.of(backfill, shape).statements(probe));
		}
		if (backfill.rollback() != null) {
			statements.add(PlannedStatement.of("rollback statement", PlannedStatement.Use.UNDO, (jdbc) -> {
				jdbc.sql("EXPLAIN " + backfill.rollback()).param("from", low).param("to", high).query().listOfRows();
				return null;
			}, ".rollback(...)"));
		}
		statements.addAll(VerifyTasklet.statements(backfill, shape, probe));
		return statements;
	}

	/**
	 * Estimates the pending rows of a whole table from the planner, as a run does at its
	 * start.
	 * @param backfill the declaration
	 * @param shape its table's shape
	 * @param jdbc a client on the target database
	 * @return the estimated pending rows
	 */
	static long pendingRows(Backfill backfill, TableShape shape, JdbcClient jdbc) {
		return new RemainingWork(backfill, shape).pendingAfter(jdbc, null);
	}

}

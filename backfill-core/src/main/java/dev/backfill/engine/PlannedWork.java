package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.backfill.Backfill;
import dev.backfill.KeyRange;
import dev.backfill.KeyTuple;
import dev.backfill.jdbc.KeyType;
import dev.backfill.jdbc.TableKey;
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
		List<KeyType> types = shape.key().types();
		Object low = key(types, 0);
		Object high = key(types, 1);
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
				jdbc.sql("EXPLAIN " + backfill.rollback())
					.param("from", TableKey.param(low))
					.param("to", TableKey.param(high))
					.query()
					.listOfRows();
				return null;
			}, ".rollback(...)"));
		}
		statements.addAll(VerifyTasklet.statements(backfill, shape, probe));
		return statements;
	}

	// a key of the key's types, the lowest or the next, to bind where a plan needs one
	private static Object key(List<KeyType> types, int step) {
		List<Object> values = new ArrayList<>();
		for (KeyType type : types) {
			values.add(switch (type) {
				case INTEGER -> (long) step;
				case TEXT -> (step == 0) ? "" : "~";
				case UUID -> new UUID(0, step);
			});
		}
		return (values.size() == 1) ? values.get(0) : new KeyTuple(values);
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

package dev.backfill;

/**
 * The Java step of a {@link Backfill#java(String) Java backfill}: reads a row's declared
 * columns and sets the new ones. Called once per pending row, in key order, inside the
 * batch's transaction; it must not keep state between rows, because a batch that fails is
 * processed again.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RowProcessor {

	/**
	 * Computes the new values of one row.
	 * @param row the row: read with {@link Row#get(String)}, write with
	 * {@link Row#set(String, Object)}
	 */
	void process(Row row);

}

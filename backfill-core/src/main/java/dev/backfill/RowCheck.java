package dev.backfill;

import org.jspecify.annotations.Nullable;

/**
 * The verify check of a {@link Backfill#java(String) Java backfill}: compares a row's
 * source columns with the target columns the backfill wrote. Called for every row of the
 * table in key order by {@code backfill verify}, read-only.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RowCheck {

	/**
	 * Checks one row.
	 * @param row the row, with the columns the backfill reads and writes
	 * ({@link Row#get(String)})
	 * @return {@code null} when the row is right, otherwise what is wrong with it, such
	 * as {@code "first_name is 'Ann', expected 'Anne'"}
	 */
	@Nullable String check(Row row);

}

package dev.backfill.faults;

/**
 * The form of the backfill under attack: {@link dev.backfill.SqlBackfill} or
 * {@link dev.backfill.JavaBackfill}.
 */
enum Form {

	SQL, JAVA

}

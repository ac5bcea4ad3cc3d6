package dev.backfill.boot;

import dev.backfill.Backfill;

/**
 * The backfill the starter's tests declare: fills {@code email_lower} with
 * {@code lower(email)} on a table of {@code (id bigint PRIMARY KEY, email text NOT NULL,
 * email_lower text)}, and undoes it with a rollback.
 */
final class LowerEmails {

	private LowerEmails() {
	}

	/**
	 * @return {@code lower-emails} on {@code accounts}
	 */
	static Backfill onAccounts() {
		return on("lower-emails", "accounts").build();
	}

	/**
	 * @param name the backfill name
	 * @param table the table
	 * @return the declaration, to add to or build
	 */
	static Backfill.SqlBuilder on(String name, String table) {
		return Backfill.sql(name)
			.table(table)
			.key("id")
			.pending("email_lower IS NULL")
			.update("UPDATE %s SET email_lower = lower(email) WHERE id > :from AND id <= :to AND email_lower IS NULL"
				.formatted(table))
			.rollback("UPDATE %s SET email_lower = NULL WHERE id > :from AND id <= :to".formatted(table));
	}

}

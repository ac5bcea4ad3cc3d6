package dev.backfill;

import java.time.Duration;
import java.util.List;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.JdbcDiscrepancies;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Verify on real PostgreSQL: every wrong or still pending row is logged with its key and
 * what is wrong, for both forms, and a verify that failed midway resumes without logging
 * anything twice.
 */
class VerifyTest extends DatabaseTest {

	private static final int ROWS = 25_000;

	@BeforeAll
	static void createTables() {
		for (String table : List.of("verify_emails", "verify_resume")) {
			jdbc.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, email text NOT NULL, email_normalized text)")
				.update();
			jdbc.sql("INSERT INTO " + table + " (id, email) SELECT g, ' User' || g || '@Example.COM ' "
					+ "FROM generate_series(1, ?) g")
				.param(ROWS)
				.update();
		}
		jdbc.sql("CREATE TABLE verify_names (id bigint PRIMARY KEY, full_name text NOT NULL, first_name text)")
			.update();
		jdbc.sql("INSERT INTO verify_names (id, full_name) SELECT g, 'Ann' || g || ' Lee' FROM "
				+ "generate_series(1, 3000) g")
			.update();
		jdbc.sql("CREATE TABLE verify_switch (broken boolean NOT NULL)").update();
		jdbc.sql("INSERT INTO verify_switch VALUES (false)").update();
	}

	private static Backfill normalize(String name, String table, String verify) {
		return Backfill.sql(name)
			.table(table)
			.key("id")
			.pending("email_normalized IS NULL")
			.update("UPDATE " + table + " SET email_normalized = lower(trim(email)) "
					+ "WHERE id > :from AND id <= :to AND email_normalized IS NULL")
			.rollback("UPDATE " + table + " SET email_normalized = NULL WHERE id > :from AND id <= :to")
			.verify(verify)
			.build();
	}

	@Test
	void corruptedAndPendingRowsAreLoggedWithTheirKeys() {
		Backfill backfill = normalize("verify-emails", "verify_emails", """
				SELECT id, 'email_normalized is ' || email_normalized || ', expected ' || lower(trim(email))
				FROM verify_emails WHERE id > :from AND id <= :to AND email_normalized <> lower(trim(email))""");
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		assertThat(operator.run("verify-emails", RunOptions.defaults(), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
		Verification clean = operator.verify("verify-emails");
		assertThat(clean.passed()).isTrue();
		assertThat(clean.keysChecked()).isEqualTo(ROWS);
		assertThat(clean.checked()).isTrue();

		jdbc.sql("UPDATE verify_emails SET email_normalized = 'wrong@example.com' WHERE id = 12345").update();
		jdbc.sql("UPDATE verify_emails SET email_normalized = NULL WHERE id = 20000").update();
		Verification found = operator.verify("verify-emails");

		assertThat(found.passed()).isFalse();
		assertThat(found.discrepancies()).isEqualTo(2);
		assertThat(found.keysChecked()).isEqualTo(ROWS);
		assertThat(found.firstKeys()).containsExactlyInAnyOrder("12345", "20000");
		assertThat(new JdbcDiscrepancies(jdbc, "BACKFILL_").found(List.of(found.jobExecutionId()))).containsExactly(
				List.of("12345", "email_normalized is wrong@example.com, expected user12345@example.com"),
				List.of("20000", "still pending: email_normalized IS NULL"));
		assertThat(operator.status("verify-emails").verification()).isEqualTo(found);
		// verify only reads the table
		assertThat(count("SELECT count(*) FROM verify_emails WHERE email_normalized IS NULL")).isEqualTo(1);
	}

	@Test
	void javaCheckComparesEachRowsSourceAndTarget() {
		Backfill backfill = Backfill.java("verify-names")
			.table("verify_names")
			.key("id")
			.pending("first_name IS NULL")
			.read("full_name")
			.write("first_name")
			.process((row) -> row.set("first_name", row.getString("full_name").split(" ")[0]))
			.verify((row) -> {
				String expected = row.getString("full_name").split(" ")[0];
				return expected.equals(row.getString("first_name")) ? null
						: "first_name is " + row.getString("first_name") + ", expected " + expected;
			})
			.rollback("UPDATE verify_names SET first_name = NULL WHERE id > :from AND id <= :to")
			.build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		operator.run("verify-names", RunOptions.defaults(), ProgressListener.NONE);
		jdbc.sql("UPDATE verify_names SET first_name = 'Bob' WHERE id = 777").update();

		Verification found = operator.verify("verify-names");

		assertThat(found.discrepancies()).isEqualTo(1);
		assertThat(found.keysChecked()).isEqualTo(3000);
		assertThat(new JdbcDiscrepancies(jdbc, "BACKFILL_").found(List.of(found.jobExecutionId())))
			.containsExactly(List.of("777", "first_name is Bob, expected Ann777"));
	}

	@Test
	void verifyThatFailedMidwayResumesFromItsCheckpointAndLogsNothingTwice() {
		// every thousandth row is reported; while the switch is on, the check fails on
		// the keys above 15,000
		Backfill backfill = normalize("verify-resume", "verify_resume", """
				SELECT id, 'reported' FROM verify_resume WHERE id > :from AND id <= :to AND id % 1000 = 0
				AND 1 / (CASE WHEN id > 15000 AND (SELECT broken FROM verify_switch) THEN 0 ELSE 1 END) = 1""");
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		operator.run("verify-resume", RunOptions.defaults(), ProgressListener.NONE);
		jdbc.sql("UPDATE verify_switch SET broken = true").update();
		assertThatThrownBy(() -> operator.verify("verify-resume")).isInstanceOf(BackfillException.class)
			.hasMessageContaining("did not finish")
			.hasMessageContaining("division by zero")
			.hasMessageContaining("'backfill verify verify-resume' resumes it");
		long before = count("SELECT count(*) FROM BACKFILL_DISCREPANCY WHERE BACKFILL_NAME = 'verify-resume'");
		assertThat(before).isBetween(1L, 15L);

		jdbc.sql("UPDATE verify_switch SET broken = false").update();
		Verification resumed = operator.verify("verify-resume");

		assertThat(resumed.discrepancies()).isEqualTo(25);
		assertThat(resumed.keysChecked()).isEqualTo(ROWS);
		assertThat(count("SELECT count(*) FROM BACKFILL_DISCREPANCY WHERE BACKFILL_NAME = 'verify-resume'"))
			.isEqualTo(25);
		assertThat(count("SELECT count(DISTINCT KEY_VALUE) FROM BACKFILL_DISCREPANCY "
				+ "WHERE BACKFILL_NAME = 'verify-resume'"))
			.isEqualTo(25);
		assertThat(resumed.firstKeys()).startsWith("1000", "2000", "3000");
	}

	@Test
	void removalIsDueOnlyOnceCompletedAndVerifiedForLongerThanItsDelay() {
		jdbc.sql("CREATE TABLE verify_removal (id bigint PRIMARY KEY, email text NOT NULL, email_normalized text)")
			.update();
		jdbc.sql("INSERT INTO verify_removal (id, email) SELECT g, 'A' || g FROM generate_series(1, 500) g").update();
		String check = "SELECT id, 'wrong' FROM verify_removal WHERE id > :from AND id <= :to "
				+ "AND email_normalized <> lower(trim(email))";
		Backfill due = Backfill.sql("removal-due")
			.table("verify_removal")
			.key("id")
			.pending("email_normalized IS NULL")
			.update("UPDATE verify_removal SET email_normalized = lower(trim(email)) WHERE id > :from AND id <= :to")
			.rollback("UPDATE verify_removal SET email_normalized = NULL WHERE id > :from AND id <= :to")
			.verify(check)
			.removeOldPath(Duration.ZERO, "drop column verify_removal.email")
			.build();
		Backfill later = Backfill.sql("removal-later")
			.table("verify_removal")
			.key("id")
			.pending("email_normalized IS NULL")
			.update("UPDATE verify_removal SET email_normalized = lower(trim(email)) WHERE id > :from AND id <= :to")
			.rollback("UPDATE verify_removal SET email_normalized = NULL WHERE id > :from AND id <= :to")
			.verify(check)
			.build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, due, later);
		assertThat(operator.removalsDue()).isEmpty();
		operator.run("removal-due", RunOptions.defaults(), ProgressListener.NONE);
		operator.run("removal-later", RunOptions.defaults(), ProgressListener.NONE);
		// completed, but not verified yet
		assertThat(operator.removalsDue()).isEmpty();

		jdbc.sql("UPDATE verify_removal SET email_normalized = 'x' WHERE id = 7").update();
		assertThat(operator.verify("removal-due").passed()).isFalse();
		// a verify that found discrepancies is no evidence
		assertThat(operator.removalsDue()).isEmpty();

		jdbc.sql("UPDATE verify_removal SET email_normalized = 'a7' WHERE id = 7").update();
		Verification passed = operator.verify("removal-due");
		operator.verify("removal-later");
		// due at once, the other one in 30 days
		assertThat(operator.removalsDue()).singleElement().satisfies((notice) -> {
			assertThat(notice.backfill()).isEqualTo("removal-due");
			assertThat(notice.verifiedAt()).isEqualTo(passed.at());
			assertThat(notice.message()).isEqualTo("removal-due finished and verified on "
					+ passed.at().toString().substring(0, 10) + "; drop column verify_removal.email.");
		});
	}

	@Test
	void aKeyBothPendingAndFailingTheCheckIsLoggedOnceAsPending() {
		jdbc.sql("CREATE TABLE verify_once (id bigint PRIMARY KEY, email text NOT NULL, email_normalized text)")
			.update();
		jdbc.sql("INSERT INTO verify_once (id, email) SELECT g, 'A' || g FROM generate_series(1, 300) g").update();
		// this check matches pending rows too
		Backfill backfill = normalize("verify-once", "verify_once", "SELECT id, 'not normalized' FROM verify_once "
				+ "WHERE id > :from AND id <= :to AND email_normalized IS DISTINCT FROM lower(trim(email))");
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		operator.run("verify-once", RunOptions.defaults(), ProgressListener.NONE);
		jdbc.sql("UPDATE verify_once SET email_normalized = NULL WHERE id = 10").update();
		jdbc.sql("UPDATE verify_once SET email_normalized = 'x' WHERE id = 20").update();

		Verification found = operator.verify("verify-once");

		assertThat(found.discrepancies()).isEqualTo(2);
		assertThat(new JdbcDiscrepancies(jdbc, "BACKFILL_").found(List.of(found.jobExecutionId())))
			.containsExactly(List.of("10", "still pending: email_normalized IS NULL"), List.of("20", "not normalized"));
	}

	@Test
	void aVerifyLeftUnfinishedBeforeANewRunStartsOver() {
		jdbc.sql("CREATE TABLE verify_stale (id bigint PRIMARY KEY, email text NOT NULL, email_normalized text)")
			.update();
		jdbc.sql("INSERT INTO verify_stale (id, email) SELECT g, 'A' || g FROM generate_series(1, 25000) g").update();
		Backfill backfill = normalize("verify-stale", "verify_stale", """
				SELECT id, 'reported' FROM verify_stale WHERE id > :from AND id <= :to AND email_normalized
				<> lower(email)
				AND 1 / (CASE WHEN id > 15000 AND (SELECT broken FROM verify_switch) THEN 0 ELSE 1 END) = 1""");
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		operator.run("verify-stale", RunOptions.defaults(), ProgressListener.NONE);
		jdbc.sql("UPDATE verify_stale SET email_normalized = 'x' WHERE id IN (5, 24000)").update();
		jdbc.sql("UPDATE verify_switch SET broken = true").update();
		try {
			assertThatThrownBy(() -> operator.verify("verify-stale")).isInstanceOf(BackfillException.class);
		}
		finally {
			jdbc.sql("UPDATE verify_switch SET broken = false").update();
		}
		// row 5 is fixed by a new run, after the verify that reported it
		jdbc.sql("UPDATE verify_stale SET email_normalized = NULL WHERE id = 5").update();
		operator.run("verify-stale", RunOptions.defaults(), ProgressListener.NONE);

		Verification fresh = operator.verify("verify-stale");

		// checked from the first key again: row 5 is right now, row 24000 still wrong
		assertThat(fresh.keysChecked()).isEqualTo(25_000);
		assertThat(fresh.discrepancies()).isEqualTo(1);
		assertThat(fresh.firstKeys()).containsExactly("24000");
	}

	@Test
	void verifyStatementMustReturnKeyAndDetail() {
		Backfill backfill = normalize("verify-columns", "verify_emails",
				"SELECT id FROM verify_emails WHERE id > :from AND id <= :to AND email_normalized IS NULL");
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		assertThatThrownBy(operator::validate).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("verify statement returns 1 columns; it must return two");
	}

}

package dev.backfill.sample;

import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample application's commands as a user would, against a database of its own.
 */
class SampleApplicationTests extends DatabaseTest {

	@Test
	void seedThenBothBackfillsFillEveryRowCorrectly() {
		SampleCommands.run(dataSource, "backfill", "seed", "--rows=20000");
		assertThat(count("SELECT count(*) FROM customers")).isEqualTo(20_000);
		// the generator makes the messy input the backfills exist for
		assertThat(count("SELECT count(*) FROM customers WHERE email <> lower(trim(email))")).isPositive();
		assertThat(count("SELECT count(*) FROM customers WHERE full_name ~ '^\\s|\\s{2,}|\\s$'")).isPositive();
		assertThat(count("SELECT count(*) FROM customers WHERE full_name !~ '\\s'")).isPositive();

		// estimates on the generated data: both are idempotent (exit 0), and nothing is
		// written
		SampleCommands.run(dataSource, "backfill", "dry-run", "normalize-emails", "--batch-size=3000");
		SampleCommands.run(dataSource, "backfill", "dry-run", "split-names", "--batch-size=3000");
		assertThat(count("SELECT count(*) FROM customers WHERE email_normalized IS NOT NULL OR first_name IS NOT NULL"))
			.isZero();

		SampleCommands.run(dataSource, "backfill", "run", "normalize-emails", "--batch-size=3000");
		assertThat(count("SELECT count(*) FROM customers WHERE email_normalized IS DISTINCT FROM lower(trim(email))"))
			.isZero();

		SampleCommands.run(dataSource, "backfill", "run", "split-names", "--batch-size=3000");
		assertThat(count("""
				SELECT count(*) FROM customers
				WHERE first_name IS DISTINCT FROM split_part(btrim(regexp_replace(full_name, '\\s+', ' ', 'g')), ' ', 1)
				   OR last_name IS DISTINCT FROM nullif(substr(btrim(regexp_replace(full_name, '\\s+', ' ', 'g')),
				        length(split_part(btrim(regexp_replace(full_name, '\\s+', ' ', 'g')), ' ', 1)) + 2), '')"""))
			.isZero();
		assertThat(count("SELECT count(*) FROM customers WHERE last_name LIKE '% %'")).isPositive();
		assertThat(count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'split-names'")).isEqualTo(7);

		// both declared checks pass on the generated data; a name split by hand the wrong
		// way is found, by key
		SampleCommands.run(dataSource, "backfill", "verify", "normalize-emails");
		SampleCommands.run(dataSource, "backfill", "verify", "split-names");
		jdbc.sql("UPDATE customers SET last_name = 'Wrong' WHERE id = 777").update();
		SampleCommands.runExpecting(1, dataSource, "backfill", "verify", "split-names");
		assertThat(jdbc.sql("SELECT KEY_VALUE FROM BACKFILL_DISCREPANCY WHERE BACKFILL_NAME = 'split-names'")
			.query(String.class)
			.list()).containsExactly("777");
	}

}

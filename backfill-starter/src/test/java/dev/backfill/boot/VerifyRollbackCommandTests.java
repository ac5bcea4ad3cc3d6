package dev.backfill.boot;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.cli.BackfillCliAutoConfiguration;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backfill verify}, {@code backfill rollback} and the removal reminder of
 * {@code backfill list} through the command line of a Boot application, on real
 * PostgreSQL.
 */
class VerifyRollbackCommandTests extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		jdbc.sql("""
				CREATE TABLE invoices (id bigint PRIMARY KEY, total_cents bigint NOT NULL, total numeric);
				INSERT INTO invoices (id, total_cents) SELECT g, g * 3 FROM generate_series(1, 12000) g""").update();
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
				BatchJdbcAutoConfiguration.class, BackfillAutoConfiguration.class, BackfillCliAutoConfiguration.class))
		.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
		.withUserConfiguration(Invoices.class)
		.withPropertyValues("backfill.cli.exit=false");

	@Test
	void verifyNamesTheWrongKeysRollbackUndoesAndListFlagsWhatToRemove() {
		this.runner.run((context) -> {
			assertThat(Cli.run(context, "backfill", "run", "invoice-totals")).startsWith("0|");
			assertThat(Cli.run(context, "backfill", "verify", "invoice-totals")).startsWith("0|")
				.contains("invoice-totals verified: 12,000 keys checked, no discrepancy");

			jdbc.sql("UPDATE invoices SET total = 1 WHERE id IN (4321, 9876)").update();
			String found = Cli.run(context, "backfill", "verify", "invoice-totals");
			assertThat(found).startsWith("1|")
				.contains("invoice-totals: 2 discrepancies in 12,000 keys checked. First keys: 4321, 9876")
				.contains("SELECT KEY_VALUE, DETAIL FROM BACKFILL_DISCREPANCY WHERE BACKFILL_NAME = 'invoice-totals' "
						+ "ORDER BY DISCREPANCY_ID DESC LIMIT 2;");
			Map<String, Object> json = JsonParserFactory.getJsonParser()
				.parseMap(Cli.run(context, "backfill", "verify", "invoice-totals", "--json").substring(2));
			assertThat(json).containsEntry("passed", false).containsEntry("firstKeys", List.of("4321", "9876"));
			assertThat(((Number) json.get("discrepancies")).longValue()).isEqualTo(2);
			assertThat(Cli.run(context, "backfill", "status", "invoice-totals"))
				.contains("2 discrepancies (first keys 4321, 9876)");
			// a verify that failed does not make the removal due
			assertThat(Cli.run(context, "backfill", "list")).doesNotContain("REMOVE");

			jdbc.sql("UPDATE invoices SET total = total_cents / 100.0 WHERE id IN (4321, 9876)").update();
			assertThat(Cli.run(context, "backfill", "verify", "invoice-totals")).startsWith("0|");
			assertThat(Cli.run(context, "backfill", "list"))
				.contains("REMOVE: invoice-totals finished and verified on ")
				.contains("; drop column invoices.total_cents.");
			String list = Cli.run(context, "backfill", "list", "--json").substring(2);
			assertThat(list).contains("\"removalDue\":true").contains("\"removeAfterDays\":0");

			String rollback = Cli.run(context, "backfill", "rollback", "invoice-totals");
			assertThat(rollback).startsWith("0|")
				.contains("invoice-totals rollback completed: 12,000 rows")
				.contains("'backfill run invoice-totals' starts it again from the first key.");
			assertThat(jdbc.sql("SELECT count(*) FROM invoices WHERE total IS NOT NULL").query(Long.class).single())
				.isZero();
			assertThat(Cli.run(context, "backfill", "status", "invoice-totals")).contains("ROLLED_BACK");
			// rolled back: nothing to remove any more
			assertThat(Cli.run(context, "backfill", "list")).doesNotContain("REMOVE");
			assertThat(Cli.run(context, "backfill", "rollback", "invoice-totals")).startsWith("0|")
				.contains("nothing to roll back");
		});
	}

	@Test
	void oneWayBackfillRefusesToRollBackWithExitCode2() {
		this.runner.run((context) -> {
			String out = Cli.run(context, "backfill", "rollback", "invoice-archive");
			assertThat(out).startsWith("2|")
				.contains("'invoice-archive' is one-way")
				.contains("restore invoices from the backup taken before the run");
			assertThat(Cli.run(context, "backfill", "verify")).startsWith("2|")
				.contains("'backfill verify' takes one backfill name");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Invoices {

		@Bean
		static Backfill invoiceTotals() {
			return Backfill.sql("invoice-totals")
				.table("invoices")
				.key("id")
				.pending("total IS NULL")
				.update("UPDATE invoices SET total = total_cents / 100.0 WHERE id > :from AND id <= :to AND "
						+ "total IS NULL")
				.rollback("UPDATE invoices SET total = NULL WHERE id > :from AND id <= :to")
				.verify("SELECT id, 'total is ' || total FROM invoices WHERE id > :from AND id <= :to "
						+ "AND total <> total_cents / 100.0")
				.removeOldPath(Duration.ZERO, "drop column invoices.total_cents")
				.build();
		}

		@Bean
		static Backfill invoiceArchive() {
			return Backfill.sql("invoice-archive")
				.table("invoices")
				.key("id")
				.pending("total_cents > 0")
				.update("UPDATE invoices SET total_cents = 0 WHERE id > :from AND id <= :to")
				.oneWay("the cents are overwritten; restore invoices from the backup taken before the run")
				.build();
		}

	}

}

package dev.backfill.boot;

import java.util.Map;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.cli.BackfillCliAutoConfiguration;
import dev.backfill.jdbc.RunLock;
import dev.backfill.test.DatabaseTest;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.json.BasicJsonParser;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backfill dry-run} through the command line of a Boot application, on real
 * PostgreSQL.
 */
class DryRunCommandTests extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		jdbc.sql("""
				CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL, total numeric,
				visits int NOT NULL DEFAULT 0);
				INSERT INTO orders (id, total_cents) SELECT g, g * 7 FROM generate_series(1, 20000) g;
				ANALYZE orders;
				CREATE TABLE refunds (id bigint PRIMARY KEY, total_cents bigint NOT NULL, total numeric)""").update();
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
				BatchJdbcAutoConfiguration.class, BackfillAutoConfiguration.class, BackfillCliAutoConfiguration.class))
		.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
		.withUserConfiguration(Orders.class)
		.withPropertyValues("backfill.cli.exit=false");

	private static String totals() {
		return jdbc.sql("SELECT count(total) || '/' || sum(visits) FROM orders").query(String.class).single();
	}

	@Test
	void dryRunPrintsTheEstimateCommitsNothingAndStatusShowsIt() {
		this.runner.run((context) -> {
			String before = totals();
			String out = Cli.run(context, "backfill", "dry-run", "order-totals", "--batch-size=1000");
			assertThat(out).startsWith("0|")
				.contains("Dry-run of order-totals at batch size 1,000: sampled 3 batches")
				.contains("nothing was committed")
				.containsPattern("rows to change +~\\d")
				.contains("batches          20 of 1,000 keys")
				.containsPattern("wall time +~\\d")
				.contains("(under 1 s)")
				.contains("idempotent       yes: batch [1, 1000] applied twice changed nothing the second time")
				.contains("dead tuples for autovacuum")
				.contains("'backfill status order-totals' shows it");
			assertThat(totals()).isEqualTo(before);

			String status = Cli.run(context, "backfill", "status", "order-totals");
			assertThat(status).startsWith("0|")
				.contains("NEVER_RUN")
				.containsPattern("dry-run \\S+: ~")
				.contains("at batch size 1,000")
				.contains("idempotent");

			assertThat(Cli.run(context, "backfill", "run", "order-totals", "--batch-size=1000")).startsWith("0|");
			assertThat(Cli.run(context, "backfill", "status", "order-totals"))
				// the impact budget samples the application alone for 0.2 s when it has
				// no measure of it
				.containsPattern("the run took [\\d.]+ s( besides [\\d.]+ s held by throttles)? at batch size 1,000: "
						+ "estimate [+-]\\d+%");
			String statusJson = Cli.run(context, "backfill", "status", "order-totals", "--json").substring(2);
			// Boot's own parser: integers are Longs whichever JSON library the test
			// classpath holds
			Map<String, Object> json = new BasicJsonParser().parseMap(statusJson);
			assertThat(json).containsEntry("state", "COMPLETED");
			assertThat(json.get("lastDryRun")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("batchSize", 1000L)
				.containsKey("estimateError");
			assertThat(statusJson).contains("\"idempotent\":true");
			// leave the rows pending for the other tests
			jdbc.sql("UPDATE orders SET total = NULL").update();
		});
	}

	@Test
	void jsonHasTheEstimateFields() {
		this.runner.run((context) -> {
			String out = Cli.run(context, "backfill", "dry-run", "order-totals", "--sample-batches=4",
					"--batch-size=5000", "--json");
			assertThat(out).startsWith("0|");
			Map<String, Object> json = new BasicJsonParser().parseMap(out.substring(2));
			assertThat(json).containsKeys("rowsEstimate", "batches", "estimatedSeconds", "estimatedSecondsLow",
					"estimatedSecondsHigh", "maxBatchMillis", "walBytesEstimate", "idempotent", "elapsedSeconds",
					"rowsEstimatedBy", "samples", "warnings");
			assertThat(json).containsEntry("batchSize", 5000L)
				.containsEntry("batches", 4L)
				.containsEntry("sampledBatches", 4L);
			// a JSON boolean, not a string
			assertThat(out).contains("\"idempotent\":true");
			assertThat(((Number) json.get("rowsEstimate")).longValue()).isBetween(18_000L, 22_000L);
			assertThat(((Number) json.get("estimatedSeconds")).doubleValue()).isPositive();
			assertThat(((Number) json.get("walBytesEstimate")).longValue()).isPositive();
			assertThat(((Number) json.get("elapsedSeconds")).doubleValue()).isPositive();
			assertThat(json.get("samples")).asList().hasSize(4);
		});
	}

	@Test
	void nonIdempotentBackfillExitsWithFour() {
		this.runner.run((context) -> {
			String out = Cli.run(context, "backfill", "dry-run", "count-visits", "--batch-size=2000");
			assertThat(out).startsWith("4|")
				.contains("idempotent       NO: batch [1, 2000]")
				.contains("! NOT IDEMPOTENT");
			assertThat(totals()).endsWith("/0");
		});
	}

	@Test
	void badInputExitsWithTwoAndSaysWhatToDo() {
		this.runner.run((context) -> {
			assertThat(Cli.run(context, "backfill", "dry-run", "order-total")).startsWith("2|")
				.contains("No backfill named 'order-total'. Declared backfills: count-visits, order-totals, "
						+ "refund-totals.");
			assertThat(Cli.run(context, "backfill", "dry-run", "order-totals", "--batch-size=0")).startsWith("2|")
				.contains("--batch-size=0 is not valid: give a positive whole number");
			assertThat(Cli.run(context, "backfill", "dry-run", "order-totals", "--sample-batches=many"))
				.startsWith("2|")
				.contains("--sample-batches=many is not valid");
			assertThat(Cli.run(context, "backfill", "dry-run", "order-totals", "--sample-batches=30")).startsWith("2|")
				.contains("a sample of 30 batches of 5,000 keys (150,000 keys) is larger than table orders (about "
						+ "20,000 keys, 4 batches)")
				.contains("Ask for at most 4 sample batches");
			assertThat(Cli.run(context, "backfill", "dry-run", "refund-totals")).startsWith("2|")
				.contains("table refunds is empty")
				.contains("production-size data")
				.doesNotContain("Exception");
			assertThat(Cli.run(context, "backfill", "dry-run")).startsWith("2|").contains("takes one backfill name");
			try (RunLock running = RunLock.tryAcquire(dataSource, "order-totals").orElseThrow()) {
				assertThat(Cli.run(context, "backfill", "dry-run", "order-totals")).startsWith("3|")
					.contains("Backfill 'order-totals' is already running");
			}
		});
		this.runner.withPropertyValues("backfill.dry-run.max-sample-share=2")
			.run((context) -> assertThat(Cli.run(context, "backfill", "dry-run", "order-totals")).startsWith("2|")
				.contains("backfill.dry-run.* is not valid: Largest sample share 2.0 must be above 0 and at most 1"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Orders {

		@Bean
		static Backfill orderTotals() {
			return Backfill.sql("order-totals")
				.table("orders")
				.key("id")
				.pending("total IS NULL")
				.update("UPDATE orders SET total = total_cents / 100.0 WHERE id > :from AND id <= :to AND total "
						+ "IS NULL")
				.rollback("UPDATE orders SET total = NULL WHERE id > :from AND id <= :to")
				.build();
		}

		@Bean
		static Backfill countVisits() {
			return Backfill.sql("count-visits")
				.table("orders")
				.key("id")
				.pending("visits < 10")
				.update("UPDATE orders SET visits = visits + 1 WHERE id > :from AND id <= :to")
				.rollback("UPDATE orders SET visits = 0 WHERE id > :from AND id <= :to")
				.build();
		}

		@Bean
		static Backfill refundTotals() {
			return Backfill.sql("refund-totals")
				.table("refunds")
				.key("id")
				.pending("total IS NULL")
				.update("UPDATE refunds SET total = total_cents / 100.0 WHERE id > :from AND id <= :to AND "
						+ "total IS NULL")
				.rollback("UPDATE refunds SET total = NULL WHERE id > :from AND id <= :to")
				.build();
		}

	}

}

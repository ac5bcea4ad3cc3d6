package dev.backfill.boot;

import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillNotReadyException;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.autoconfigure.BackfillFailureAnalyzer;
import dev.backfill.boot.cli.BackfillCliAutoConfiguration;
import dev.backfill.boot.flyway.BackfillFlywayAutoConfiguration;
import dev.backfill.boot.flyway.ContractGateCallback;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract step's gate in real Flyway migrations on real PostgreSQL: a script marked
 * {@code -- backfill:requires NAME} is refused, with nothing of it run, until the
 * backfill completed and a verify after it passed; the expand script before it runs as
 * usual.
 */
class FlywayContractGateTests extends DatabaseTest {

	// the release that expands the schema, and the next one, which contracts it
	private static final String EXPAND = "classpath:db/gate";

	private static final String CONTRACT = "classpath:db/gate,classpath:db/gate-contract";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
				BatchJdbcAutoConfiguration.class, FlywayAutoConfiguration.class, BackfillAutoConfiguration.class,
				BackfillCliAutoConfiguration.class, BackfillFlywayAutoConfiguration.class))
		.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
		.withBean("flywayAmounts", Backfill.class, FlywayContractGateTests::amounts)
		// the test database already holds the library's and Spring Batch's tables
		.withPropertyValues("backfill.cli.exit=false", "spring.flyway.baseline-on-migrate=true",
				"spring.flyway.baseline-version=0");

	@Test
	void theContractScriptIsRefusedUntilTheBackfillRanAndAVerifyAfterItPassed() {
		this.runner.withPropertyValues("spring.flyway.locations=" + EXPAND).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(count("SELECT count(*) FROM flyway_orders WHERE amount IS NULL")).isEqualTo(3000);
		});

		// deployed before the backfill ran: the contract step fails and changes nothing
		this.runner.withPropertyValues("spring.flyway.locations=" + CONTRACT).run((context) -> {
			assertThat(context).hasFailed();
			BackfillNotReadyException refused = cause(context.getStartupFailure());
			assertThat(refused.getMessage()).startsWith(
					"Flyway migration 2 (contract amount, V2__contract_amount.sql) requires a backfill that is not "
							+ "done, so it did not run: flyway-amounts never ran here: the job repository records no "
							+ "run of it: run 'backfill run flyway-amounts', then 'backfill verify flyway-amounts' (or "
							+ "correct the name on the migration's 'backfill:requires' line).")
				.endsWith("then run this step again.");
			FailureAnalysis analysis = new BackfillFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getAction()).contains("'backfill check' exits 0 when they are done");
		});
		assertThat(nullable()).isTrue();
		assertThat(count("SELECT count(*) FROM flyway_schema_history WHERE version = '2' AND success")).isZero();

		this.runner.withPropertyValues("spring.flyway.locations=" + EXPAND).run((context) -> {
			assertThat(Cli.run(context, "backfill", "run", "flyway-amounts")).startsWith("0|");
		});
		// run, but not verified: still refused, and says so
		this.runner.withPropertyValues("spring.flyway.locations=" + CONTRACT)
			.run((context) -> assertThat(cause(context.getStartupFailure()).getMessage())
				.contains("flyway-amounts completed ")
				.contains("but not verified since: run 'backfill verify flyway-amounts'"));
		assertThat(nullable()).isTrue();

		this.runner.withPropertyValues("spring.flyway.locations=" + EXPAND).run((context) -> {
			assertThat(Cli.run(context, "backfill", "verify", "flyway-amounts")).startsWith("0|");
		});
		this.runner.withPropertyValues("spring.flyway.locations=" + CONTRACT).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(Cli.run(context, "backfill", "check", "flyway-amounts")).startsWith("0|");
		});
		assertThat(nullable()).isFalse();

		// a script naming a backfill that never ran here is refused too, even beside a
		// ready one
		this.runner.withPropertyValues("spring.flyway.locations=" + CONTRACT + ",classpath:db/gate-unknown")
			.run((context) -> {
				BackfillNotReadyException refused = cause(context.getStartupFailure());
				assertThat(refused.notReady()).extracting((r) -> r.backfill()).containsExactly("no-such-backfill");
				assertThat(refused.getMessage())
					.contains("no-such-backfill never ran here: the job repository " + "records no run of it");
			});
		assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'flyway_orders' "
				+ "AND column_name = 'cents'"))
			.isOne();

		// a marker behind a byte order mark is read all the same
		this.runner.withPropertyValues("spring.flyway.locations=" + CONTRACT + ",classpath:db/gate-bom")
			.run((context) -> assertThat(cause(context.getStartupFailure()).notReady()).extracting((r) -> r.backfill())
				.containsExactly("no-such-backfill"));
		assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'flyway_orders' "
				+ "AND column_name = 'bom_marker'"))
			.isZero();
	}

	@Test
	void aMarkerNamesOneOrMoreBackfillsOnItsLines() {
		assertThat(ContractGateCallback.required("""
				-- contract
				--backfill:requires a-1, b_2
				SELECT 1; -- backfill:requires not-a-marker
				  -- BACKFILL:REQUIRES c d
				""")).isEqualTo(Set.of("a-1", "b_2", "c", "d"));
		assertThat(ContractGateCallback.required("ALTER TABLE t DROP COLUMN c;")).isEmpty();
		assertThat(List.copyOf(ContractGateCallback.required("-- backfill:requires z, a"))).containsExactly("z", "a");
	}

	private static boolean nullable() {
		return "YES"
			.equals(jdbc
				.sql("SELECT is_nullable FROM information_schema.columns "
						+ "WHERE table_name = 'flyway_orders' AND column_name = 'amount'")
				.query(String.class)
				.single());
	}

	private static BackfillNotReadyException cause(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof BackfillNotReadyException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("a BackfillNotReadyException in %s", failure).isNotNull();
		return (BackfillNotReadyException) cause;
	}

	static Backfill amounts() {
		return Backfill.sql("flyway-amounts")
			.table("flyway_orders")
			.key("id")
			.pending("amount IS NULL")
			.update("UPDATE flyway_orders SET amount = cents / 100.0 WHERE id > :from AND id <= :to "
					+ "AND amount IS NULL")
			.rollback("UPDATE flyway_orders SET amount = NULL WHERE id > :from AND id <= :to")
			.build();
	}

}

package dev.backfill.sample;

import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.BackfillNotReadyException;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sample's expand, backfill, verify, contract sequence as Flyway scripts: the
 * contract script (db/contract, the next release's) is refused until {@code backfill run}
 * and {@code backfill verify} of order-totals passed.
 */
class MigrationSequenceTests extends DatabaseTest {

	private static final String CONTRACT = "--spring.flyway.locations=classpath:db/migration,classpath:db/contract";

	@Test
	void theContractScriptWaitsForTheBackfillAndItsVerify() {
		// the first start migrates the expand scripts
		SampleCommands.runExpecting(6, dataSource, "backfill", "check", "order-totals");
		assertThat(count("SELECT count(*) FROM orders WHERE total IS NULL")).isEqualTo(200_000);

		// the next release, deployed too early: its start fails, the column stays as it
		// was
		assertThatThrownBy(() -> start("backfill", "status", CONTRACT))
			.hasRootCauseInstanceOf(BackfillNotReadyException.class)
			.rootCause()
			.hasMessageContaining("Flyway migration 3 (orders contract total, V3__orders_contract_total.sql) "
					+ "requires a backfill that is not done, so it did not run: order-totals never ran here");
		assertThat(notNull()).isFalse();

		SampleCommands.run(dataSource, "backfill", "run", "order-totals");
		assertThatThrownBy(() -> start("backfill", "status", CONTRACT)).rootCause()
			.hasMessageContaining("order-totals completed ")
			.hasMessageContaining("but not verified since: run 'backfill verify order-totals'");
		SampleCommands.run(dataSource, "backfill", "verify", "order-totals");
		SampleCommands.run(dataSource, "backfill", "check", "order-totals");

		SampleCommands.run(dataSource, "backfill", "status", CONTRACT);
		assertThat(notNull()).isTrue();
		assertThat(count("SELECT count(*) FROM orders WHERE total <> total_cents / 100.0")).isZero();
	}

	private static boolean notNull() {
		return "NO".equals(jdbc.sql("SELECT is_nullable FROM information_schema.columns "
				+ "WHERE table_name = 'orders' AND column_name = 'total'")
			.query(String.class)
			.single());
	}

	private static void start(String... command) {
		HikariDataSource database = dataSource;
		List<String> args = new ArrayList<>(List.of(command));
		args.add("--spring.datasource.url=" + database.getJdbcUrl());
		args.add("--spring.datasource.username=" + database.getUsername());
		args.add("--spring.datasource.password=" + ((database.getPassword() != null) ? database.getPassword() : ""));
		args.add("--backfill.cli.exit=false");
		SpringApplication.run(SampleApplication.class, args.toArray(String[]::new)).close();
	}

}

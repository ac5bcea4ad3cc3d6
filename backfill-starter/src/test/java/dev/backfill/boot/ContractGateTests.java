package dev.backfill.boot;

import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.boot.actuate.BackfillHealthAutoConfiguration;
import dev.backfill.boot.actuate.BackfillsHealthIndicator;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.cli.BackfillCliAutoConfiguration;
import dev.backfill.test.DatabaseTest;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate of a migration's contract step: {@code backfill check} and the
 * {@code backfills} health indicator, through a Boot application on real PostgreSQL.
 */
class ContractGateTests extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		jdbc.sql("""
				CREATE TABLE gate_orders (id bigint PRIMARY KEY, cents bigint NOT NULL, amount numeric);
				INSERT INTO gate_orders (id, cents) SELECT g, g * 7 FROM generate_series(1, 5000) g;
				CREATE TABLE gate_broken (id bigint PRIMARY KEY, n bigint NOT NULL, m bigint);
				INSERT INTO gate_broken (id, n) SELECT g, g FROM generate_series(1, 3000) g;
				CREATE TABLE gate_undo (id bigint PRIMARY KEY, n bigint NOT NULL, m bigint);
				INSERT INTO gate_undo (id, n) SELECT g, g FROM generate_series(1, 3000) g;
				CREATE TABLE gate_flag (boom int NOT NULL);
				INSERT INTO gate_flag VALUES (1);
				CREATE TABLE gate_health (id bigint PRIMARY KEY, n bigint NOT NULL, m bigint);
				INSERT INTO gate_health (id, n) SELECT g, g FROM generate_series(1, 2000) g""").update();
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
				BatchJdbcAutoConfiguration.class, BackfillAutoConfiguration.class, BackfillCliAutoConfiguration.class,
				BackfillHealthAutoConfiguration.class))
		.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
		.withUserConfiguration(Orders.class)
		.withPropertyValues("backfill.cli.exit=false");

	@Test
	void checkPassesOnlyAfterARunAndAVerifyAfterItThatFoundNothingWrong() {
		this.runner.run((context) -> {
			assertThat(Cli.run(context, "backfill", "check", "gate-amounts")).startsWith("6|")
				.contains("NEVER_RUN")
				.contains("never run: run 'backfill run gate-amounts', then 'backfill verify gate-amounts'")
				.contains("not ready: 1 of 1");

			assertThat(Cli.run(context, "backfill", "run", "gate-amounts")).startsWith("0|");
			assertThat(Cli.run(context, "backfill", "check", "gate-amounts")).startsWith("6|")
				.contains("NOT_VERIFIED")
				.contains("but not verified since: run 'backfill verify gate-amounts'");

			// a verify that finds a wrong row keeps the gate shut
			jdbc.sql("UPDATE gate_orders SET amount = 0 WHERE id = 777").update();
			assertThat(Cli.run(context, "backfill", "verify", "gate-amounts")).startsWith("1|");
			assertThat(Cli.run(context, "backfill", "check", "gate-amounts")).startsWith("6|")
				.contains("DISCREPANCIES")
				.contains("found 1 discrepancy (first keys: 777)");

			jdbc.sql("UPDATE gate_orders SET amount = cents / 100.0 WHERE id = 777").update();
			assertThat(Cli.run(context, "backfill", "verify", "gate-amounts")).startsWith("0|");
			String ready = Cli.run(context, "backfill", "check", "gate-amounts");
			assertThat(ready).startsWith("0|")
				.contains("READY")
				.contains("no discrepancy")
				.contains("ready: the contract step may run");
			Map<String, Object> json = JsonParserFactory.getJsonParser()
				.parseMap(Cli.run(context, "backfill", "check", "gate-amounts", "--json").substring(2));
			assertThat(json).containsEntry("ready", true);
			assertThat(json.get("backfills")).asInstanceOf(InstanceOfAssertFactories.LIST)
				.singleElement()
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("name", "gate-amounts")
				.containsEntry("verdict", "READY");

			// the endpoint's and status --json's report says the same
			assertThat(Cli.run(context, "backfill", "status", "gate-amounts", "--json"))
				.contains("\"readiness\":{\"ready\":true,\"verdict\":\"READY\",\"reason\":\"completed ");

			// a run after the verify (new rows the old path wrote meanwhile) needs a
			// verify
			// of its own
			jdbc.sql("INSERT INTO gate_orders (id, cents) VALUES (5001, 35007)").update();
			assertThat(Cli.run(context, "backfill", "run", "gate-amounts")).startsWith("0|");
			assertThat(Cli.run(context, "backfill", "check", "gate-amounts")).startsWith("6|").contains("NOT_VERIFIED");
			assertThat(Cli.run(context, "backfill", "verify", "gate-amounts")).startsWith("0|");
			assertThat(Cli.run(context, "backfill", "check", "gate-amounts")).startsWith("0|");

			// rolled back, the work no longer stands
			assertThat(Cli.run(context, "backfill", "rollback", "gate-amounts")).startsWith("0|");
			assertThat(Cli.run(context, "backfill", "check", "gate-amounts")).startsWith("6|").contains("ROLLED_BACK");
		});
	}

	@Test
	void checkNamesEachBackfillThatHoldsTheGateAndRefusesUnknownNames() {
		this.runner.run((context) -> {
			assertThat(Cli.run(context, "backfill", "run", "gate-broken")).startsWith("1|");
			String out = Cli.run(context, "backfill", "check", "gate-broken", "gate-amounts");
			assertThat(out).startsWith("6|")
				.contains("its latest run is FAILED after key 2000: 'backfill run gate-broken' resumes it")
				.contains("not ready: 2 of 2");
			Map<String, Object> json = JsonParserFactory.getJsonParser()
				.parseMap(Cli.run(context, "backfill", "check", "gate-broken", "--json").substring(2));
			assertThat(json).containsEntry("ready", false);
			assertThat(json.get("backfills").toString()).contains("verdict=UNFINISHED");

			assertThat(Cli.run(context, "backfill", "check", "gate-amonuts")).startsWith("2|")
				.contains("No backfill named 'gate-amonuts'");
			assertThat(Cli.run(context, "backfill", "check")).startsWith("2|")
				.contains("'backfill check' takes one or more backfill names");
			assertThat(Cli.run(context, "backfill", "check", "gate-amounts", "--all")).startsWith("2|")
				.contains("Unknown option --all");
		});
	}

	@Test
	void aRollbackOrAVerifyBegunAfterThePassingVerifyAndNotFinishedHoldsTheGate() {
		this.runner.withBean("gateUndo", Backfill.class, ContractGateTests::gateUndo).run((context) -> {
			assertThat(Cli.run(context, "backfill", "run", "gate-undo")).startsWith("0|");
			assertThat(Cli.run(context, "backfill", "verify", "gate-undo")).startsWith("0|");
			assertThat(Cli.run(context, "backfill", "check", "gate-undo")).startsWith("0|");

			// a verify that fails on its way: the earlier pass no longer vouches
			jdbc.sql("UPDATE gate_flag SET boom = 0").update();
			assertThat(Cli.run(context, "backfill", "verify", "gate-undo")).startsWith("1|");
			assertThat(Cli.run(context, "backfill", "check", "gate-undo")).startsWith("6|")
				.contains("NOT_VERIFIED")
				.contains("a verify begun after the one that passed is FAILED");

			// a rollback that fails on its way has undone some rows
			assertThat(Cli.run(context, "backfill", "rollback", "gate-undo")).startsWith("1|");
			assertThat(Cli.run(context, "backfill", "check", "gate-undo")).startsWith("6|")
				.contains("ROLLED_BACK")
				.contains("a rollback begun after its run is FAILED");
			assertThat(Cli.run(context, "backfill", "status", "gate-undo", "--json"))
				.contains("\"verdict\":\"ROLLED_BACK\"");
			jdbc.sql("UPDATE gate_flag SET boom = 1").update();
		});
	}

	@Test
	void theHealthIndicatorReportsEachBackfillAndLeavesTheAggregateAlone() {
		this.runner.run((context) -> {
			BackfillsHealthIndicator indicator = context.getBean("backfillsHealthIndicator",
					BackfillsHealthIndicator.class);
			Health health = indicator.health(true);
			assertThat(health.getStatus()).isEqualTo(BackfillsHealthIndicator.BACKFILLING);
			// gate-broken never completes, whichever test ran first
			assertThat(health.getDetails()).containsOnlyKeys("gate-amounts", "gate-broken");
			assertThat(health.getDetails().get("gate-broken").toString()).contains("ready=false");
			// not in Boot's status order: the application's health stays UP
			assertThat(new SimpleStatusAggregator().getAggregateStatus(Set.of(Status.UP, health.getStatus())))
				.isEqualTo(Status.UP);
		});
		// UP once every backfill is done and verified
		ApplicationContextRunner alone = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
					BatchJdbcAutoConfiguration.class, BackfillAutoConfiguration.class,
					BackfillCliAutoConfiguration.class, BackfillHealthAutoConfiguration.class))
			.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
			.withBean("gateHealth", Backfill.class, ContractGateTests::gateHealth)
			.withPropertyValues("backfill.cli.exit=false");
		alone.run((context) -> {
			BackfillsHealthIndicator indicator = context.getBean(BackfillsHealthIndicator.class);
			assertThat(indicator.health(true).getDetails().get("gate-health").toString()).contains("verdict=NEVER_RUN");
			assertThat(Cli.run(context, "backfill", "run", "gate-health")).startsWith("0|");
			assertThat(indicator.health(true).getStatus()).isEqualTo(BackfillsHealthIndicator.BACKFILLING);
			assertThat(Cli.run(context, "backfill", "verify", "gate-health")).startsWith("0|");
			Health health = indicator.health(true);
			assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.UP);
			assertThat(health.getDetails().get("gate-health").toString()).contains("verdict=READY")
				.contains("state=COMPLETED");
		});
		this.runner.withPropertyValues("management.health.backfills.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(BackfillsHealthIndicator.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class Orders {

		@Bean
		static Backfill gateAmounts() {
			return Backfill.sql("gate-amounts")
				.table("gate_orders")
				.key("id")
				.pending("amount IS NULL")
				.update("UPDATE gate_orders SET amount = cents / 100.0 WHERE id > :from AND id <= :to "
						+ "AND amount IS NULL")
				.rollback("UPDATE gate_orders SET amount = NULL WHERE id > :from AND id <= :to")
				.verify("SELECT id, 'amount is ' || amount FROM gate_orders WHERE id > :from AND id <= :to "
						+ "AND amount <> cents / 100.0")
				.batchSize(1000)
				.build();
		}

		// fails on key 2500, in its third batch
		@Bean
		static Backfill gateBroken() {
			return Backfill.sql("gate-broken")
				.table("gate_broken")
				.key("id")
				.pending("m IS NULL")
				.update("UPDATE gate_broken SET m = n / (id - 2500) WHERE id > :from AND id <= :to AND m IS NULL")
				.rollback("UPDATE gate_broken SET m = NULL WHERE id > :from AND id <= :to")
				.batchSize(1000)
				.build();
		}

	}

	// its verify and its rollback fail while gate_flag.boom is 0
	static Backfill gateUndo() {
		return Backfill.sql("gate-undo")
			.table("gate_undo")
			.key("id")
			.pending("m IS NULL")
			.update("UPDATE gate_undo SET m = n WHERE id > :from AND id <= :to AND m IS NULL")
			.rollback("UPDATE gate_undo SET m = NULL WHERE id > :from AND id <= :to "
					+ "AND 1 / (SELECT boom FROM gate_flag) = 1")
			.verify("SELECT id, 'm is ' || m FROM gate_undo WHERE id > :from AND id <= :to "
					+ "AND m <> n / (SELECT boom FROM gate_flag)")
			.batchSize(1000)
			.build();
	}

	static Backfill gateHealth() {
		return Backfill.sql("gate-health")
			.table("gate_health")
			.key("id")
			.pending("m IS NULL")
			.update("UPDATE gate_health SET m = n WHERE id > :from AND id <= :to AND m IS NULL")
			.rollback("UPDATE gate_health SET m = NULL WHERE id > :from AND id <= :to")
			.build();
	}

}

package dev.backfill.boot;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillThrottle;
import dev.backfill.InvalidBackfillException;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.autoconfigure.BackfillFailureAnalyzer;
import dev.backfill.boot.autoconfigure.BackfillProperties;
import dev.backfill.boot.cli.BackfillCliAutoConfiguration;
import dev.backfill.boot.cli.BackfillCommand;
import dev.backfill.boot.cli.BackfillCommandRunner;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.RunLock;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

class BackfillAutoConfigurationTests extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		jdbc.sql("""
				CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
				INSERT INTO accounts (id, email) SELECT g, 'User' || g || '@X.org' FROM generate_series(1, 2500) g""")
			.update();
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
				BatchJdbcAutoConfiguration.class, BackfillAutoConfiguration.class, BackfillCliAutoConfiguration.class))
		.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
		.withPropertyValues("backfill.cli.exit=false");

	@Test
	void autoConfigurationProvidesAnOperatorOverDeclaredBackfills() {
		this.runner.withUserConfiguration(Accounts.class).run((context) -> {
			assertThat(context).hasSingleBean(BackfillOperator.class);
			assertThat(context.getBean(BackfillOperator.class).backfills()).extracting(Backfill::name)
				.containsExactly("lower-emails");
		});
	}

	@Test
	void autoConfigurationBacksOffWhenBackfillsAreDisabled() {
		this.runner.withUserConfiguration(Accounts.class)
			.withPropertyValues("backfill.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(BackfillOperator.class)
				.doesNotHaveBean(BackfillCommandRunner.class));
	}

	@Test
	void autoConfigurationBacksOffWhenUserDefinesAnOperator() {
		BackfillOperator own = org.mockito.Mockito.mock(BackfillOperator.class);
		this.runner.withBean("ownOperator", BackfillOperator.class, () -> own)
			.withPropertyValues("backfill.validate-on-startup=false")
			.run((context) -> assertThat(context.getBean(BackfillOperator.class)).isSameAs(own));
	}

	@Test
	void startupFailsNamingTheBackfillAndTheFixWhenTheTableIsMissing() {
		this.runner
			.withBean(Backfill.class,
					() -> Backfill.sql("ghost-table")
						.table("ghosts")
						.key("id")
						.pending("x IS NULL")
						.update("UPDATE ghosts SET x = 1 WHERE id > :from AND id <= :to")
						.oneWay("test")
						.build())
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new BackfillFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Backfill 'ghost-table'")
					.contains("ghosts does not exist");
				assertThat(analysis.getAction()).contains("Create the table");
			});
	}

	@Test
	void startupFailsWhenTwoBackfillsShareAName() {
		this.runner.withUserConfiguration(Accounts.class)
			.withBean("again", Backfill.class, Accounts::lowerEmails)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Two backfills are named 'lower-emails'"));
	}

	@Test
	void commandLineRunsListsAndReportsWithExitCodes() {
		this.runner.withUserConfiguration(Accounts.class).run((context) -> {
			assertThat(Cli.run(context, "backfill", "list")).startsWith("0|").contains("lower-emails");
			String run = Cli.run(context, "backfill", "run", "lower-emails", "--batch-size=1000");
			assertThat(run).startsWith("0|").contains("lower-emails completed: 2,500 rows in 3 batches");
			assertThat(jdbc.sql("SELECT count(*) FROM accounts WHERE email_lower IS NULL").query(Long.class).single())
				.isZero();
			String json = Cli.run(context, "backfill", "status", "lower-emails", "--json");
			assertThat(json).startsWith("0|")
				.contains("\"name\":\"lower-emails\"")
				.contains("\"state\":\"COMPLETED\"")
				.contains("\"rowsDone\":2500")
				.contains("\"rowsRemainingEstimate\":0")
				.contains("\"lastKey\":\"2500\"")
				.contains("\"rowsPerSecond\":")
				.contains("\"etaSeconds\":0")
				.contains("\"throttledSeconds\":0.0");
			assertThat(Cli.run(context, "backfill", "status")).startsWith("0|").contains("COMPLETED");
		});
	}

	@Test
	void badUsageExitsWithTwoAndSaysWhatIsValid() {
		this.runner.withUserConfiguration(Accounts.class).run((context) -> {
			assertThat(Cli.run(context, "backfill", "run", "nope")).startsWith("2|")
				.contains("No backfill named 'nope'. Declared backfills: lower-emails.");
			assertThat(Cli.run(context, "backfill", "run", "lower-emails", "--batch-size=0")).startsWith("2|")
				.contains("--batch-size=0 is not valid");
			assertThat(Cli.run(context, "backfill", "run", "lower-emails", "--fast")).startsWith("2|")
				.contains("Unknown option --fast")
				.contains("--batch-size");
			assertThat(Cli.run(context, "backfill", "frobnicate")).startsWith("2|")
				.contains("Unknown command 'frobnicate'")
				.contains("status [NAME] [--json]");
			assertThat(Cli.run(context, "backfill", "run")).startsWith("2|").contains("takes one backfill name");
		});
	}

	@Test
	void aSecondRunWhileOneHoldsTheLockExitsWithThree() {
		this.runner.withUserConfiguration(Accounts.class).run((context) -> {
			try (RunLock held = RunLock.tryAcquire(dataSource, "lower-emails").orElseThrow()) {
				assertThat(Cli.run(context, "backfill", "run", "lower-emails")).startsWith("3|")
					.contains("Backfill 'lower-emails' is already running on");
			}
		});
	}

	@Test
	void stopCommandStopsARunWhichExitsWithFiveAndResumes() throws Exception {
		jdbc.sql("""
				CREATE TABLE slow_accounts (id bigint PRIMARY KEY, seen boolean NOT NULL DEFAULT false);
				INSERT INTO slow_accounts (id) SELECT g FROM generate_series(1, 3000) g""").update();
		this.runner
			.withBean("slowAccounts", Backfill.class,
					() -> Backfill.sql("slow-accounts")
						.table("slow_accounts")
						.key("id")
						.pending("NOT seen")
						.update("WITH pause AS (SELECT pg_sleep(0.05)) UPDATE slow_accounts SET seen = true FROM pause "
								+ "WHERE id > :from AND id <= :to AND NOT seen")
						.rollback("UPDATE slow_accounts SET seen = false WHERE id > :from AND id <= :to")
						.batchSize(100)
						.build())
			.run((context) -> {
				assertThat(Cli.run(context, "backfill", "stop", "slow-accounts")).startsWith("0|")
					.contains("slow-accounts is not running (NEVER_RUN): nothing to stop.");
				CompletableFuture<String> run = CompletableFuture
					.supplyAsync(() -> Cli.run(context, "backfill", "run", "slow-accounts"));
				while (count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'slow-accounts'") < 3) {
					Thread.sleep(20);
				}
				assertThat(Cli.run(context, "backfill", "stop", "slow-accounts")).startsWith("0|")
					.contains("asked to stop");
				assertThat(run.get(30, TimeUnit.SECONDS)).startsWith("5|")
					.contains("slow-accounts stopped after key")
					.contains("'backfill run slow-accounts' resumes it");
				assertThat(Cli.run(context, "backfill", "run", "slow-accounts")).startsWith("0|")
					.contains("(resumed from its checkpoint)");
				assertThat(count("SELECT count(*) FROM slow_accounts WHERE NOT seen")).isZero();
			});
	}

	@Test
	void throttleBeansJoinTheBuiltInsAndAreAskedBeforeEveryBatch() {
		jdbc.sql("""
				CREATE TABLE throttled_accounts (id bigint PRIMARY KEY, seen boolean NOT NULL DEFAULT false);
				INSERT INTO throttled_accounts (id) SELECT g FROM generate_series(1, 1000) g""").update();
		AtomicInteger asked = new AtomicInteger();
		this.runner
			.withBean("throttledAccounts", Backfill.class,
					() -> Backfill.sql("throttled-accounts")
						.table("throttled_accounts")
						.key("id")
						.pending("NOT seen")
						.update("UPDATE throttled_accounts SET seen = true WHERE id > :from AND id <= :to AND NOT seen")
						.rollback("UPDATE throttled_accounts SET seen = false WHERE id > :from AND id <= :to")
						.batchSize(100)
						.build())
			.withBean("slo", BackfillThrottle.class, () -> (context) -> {
				asked.incrementAndGet();
				return BackfillThrottle.Decision.proceed();
			})
			.withPropertyValues("backfill.throttle.max-rows-per-second=1000000",
					"backfill.throttle.pause-for-autovacuum=true")
			.run((context) -> {
				assertThat(Cli.run(context, "backfill", "run", "throttled-accounts")).startsWith("0|");
				// ten full batches and the last, empty look
				assertThat(asked.get()).isGreaterThanOrEqualTo(10);
				assertThat(context.getBean(BackfillProperties.class).getThrottle().toThrottles())
					.extracting((t) -> t.getClass().getSimpleName())
					.containsExactly("MaxRowsPerSecond", "MaxImpact", "ReplicationLag", "LockWaiters", "Autovacuum");
			});
	}

	@Test
	void settingsOfOneBackfillOverrideTheGlobalOnes() {
		jdbc.sql("""
				CREATE TABLE tuned (id bigint PRIMARY KEY, a boolean NOT NULL DEFAULT false, b boolean NOT
				NULL DEFAULT false);
				INSERT INTO tuned (id) SELECT g FROM generate_series(1, 2000) g""").update();
		this.runner
			.withBean("tunedA", Backfill.class,
					() -> Backfill.sql("tuned-a")
						.table("tuned")
						.key("id")
						.pending("NOT a")
						.update("UPDATE tuned SET a = true WHERE id > :from AND id <= :to AND NOT a")
						.rollback("UPDATE tuned SET a = false WHERE id > :from AND id <= :to")
						.build())
			.withBean("tunedB", Backfill.class,
					() -> Backfill.sql("tuned-b")
						.table("tuned")
						.key("id")
						.pending("NOT b")
						.update("UPDATE tuned SET b = true WHERE id > :from AND id <= :to AND NOT b")
						.rollback("UPDATE tuned SET b = false WHERE id > :from AND id <= :to")
						.build())
			.withPropertyValues("backfill.batch-size=1000", "backfill.target-batch-duration=0",
					"backfill.jobs.tuned-a.batch-size=250", "backfill.jobs.tuned-a.throttle.max-rows-per-second=2000")
			.run((context) -> {
				BackfillOperator operator = context.getBean(BackfillOperator.class);
				assertThat(Cli.run(context, "backfill", "run", "tuned-a")).startsWith("0|");
				assertThat(Cli.run(context, "backfill", "run", "tuned-b")).startsWith("0|");
				assertThat(new JdbcBatchLog(jdbc, "BACKFILL_").find("tuned-a")).hasSize(8)
					.allSatisfy((batch) -> assertThat(batch.keys()).isEqualTo(250));
				assertThat(new JdbcBatchLog(jdbc, "BACKFILL_").find("tuned-b")).hasSize(2);
				// only tuned-a is capped: 2,000 rows at 2,000 rows/s are held for a good
				// part of a second
				assertThat(operator.status("tuned-a").throttledSeconds()).isGreaterThan(0.2);
				assertThat(operator.status("tuned-b").throttledSeconds()).isZero();
			});
	}

	@Test
	void settingsForAnUndeclaredBackfillFailStartupNamingIt() {
		this.runner.withUserConfiguration(Accounts.class)
			.withPropertyValues("backfill.jobs.lower-email.batch-size=10")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Settings are given for backfill 'lower-email', but no backfill has "
						+ "that name. Declared: lower-emails."));
	}

	@Test
	void batchSizeBoundsOutOfOrderFailStartupNamingTheProperties() {
		this.runner.withUserConfiguration(Accounts.class)
			.withPropertyValues("backfill.jobs.lower-emails.min-batch-size=20000")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidBackfillException.class)
				.hasMessageContaining("Invalid backfill.jobs.lower-emails.* properties")
				.hasMessageContaining("min (20000) <= max (10000)"));
	}

	@Test
	void impactBudgetOutOfRangeFailsStartupNamingThePropertiesAndTheFix() {
		this.runner.withUserConfiguration(Accounts.class)
			.withPropertyValues("backfill.jobs.lower-emails.throttle.max-impact=1.5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidBackfillException.class)
				.hasMessageContaining("Invalid backfill.jobs.lower-emails.throttle.* properties")
				.hasMessageContaining("max impact 1.5 must be above 0 and below 1, such as 0.05"));
	}

	@Test
	void pauseAndResumeCommandsSetAndClearTheFlag() {
		this.runner.withUserConfiguration(Accounts.class).run((context) -> {
			assertThat(Cli.run(context, "backfill", "pause", "lower-emails")).startsWith("0|")
				.contains("lower-emails paused: its run holds before its next batch");
			assertThat(jdbc.sql("SELECT count(*) FROM BACKFILL_PAUSE WHERE BACKFILL_NAME = 'lower-emails'")
				.query(Long.class)
				.single()).isOne();
			assertThat(Cli.run(context, "backfill", "resume", "lower-emails")).startsWith("0|")
				.contains("lower-emails resumed");
			assertThat(Cli.run(context, "backfill", "resume", "lower-emails")).startsWith("0|")
				.contains("lower-emails was not paused.");
			assertThat(Cli.run(context, "backfill", "pause", "nope")).startsWith("2|")
				.contains("No backfill named 'nope'");
		});
	}

	@Test
	void everyCommandThatReportsAnswersInJsonWithTheEndpointsFieldNames() {
		jdbc.sql("UPDATE accounts SET email_lower = NULL").update();
		this.runner.withUserConfiguration(Accounts.class).run((context) -> {
			String run = Cli.run(context, "backfill", "run", "lower-emails", "--batch-size=1000", "--json");
			assertThat(run).startsWith("0|")
				.contains("{\"name\":\"lower-emails\",\"state\":\"COMPLETED\"")
				.contains("\"rows\":2500")
				.contains("\"batches\":3")
				.doesNotContain("rows/s");
			assertThat(Cli.run(context, "backfill", "pause", "lower-emails", "--json")).startsWith("0|")
				.contains("{\"name\":\"lower-emails\",\"action\":\"pause\",\"message\":\"lower-emails paused");
			assertThat(Cli.run(context, "backfill", "resume", "lower-emails", "--json")).startsWith("0|")
				.contains("\"action\":\"resume\"");
			assertThat(Cli.run(context, "backfill", "stop", "lower-emails", "--json")).startsWith("0|")
				.contains("\"action\":\"stop\"")
				.contains("nothing to stop");
			assertThat(Cli.run(context, "backfill", "status", "lower-emails", "--json")).startsWith("0|")
				.contains("\"recentBatches\":[{\"batchNo\":1,");
			assertThat(Cli.run(context, "backfill", "status", "--json")).startsWith("0|[{\"name\":\"lower-emails\"")
				.doesNotContain("recentBatches");
			String rollback = Cli.run(context, "backfill", "rollback", "lower-emails", "--json");
			assertThat(rollback).startsWith("0|")
				.contains("{\"name\":\"lower-emails\",\"state\":\"COMPLETED\"")
				.contains("\"rows\":2500");
		});
	}

	@Test
	void aCommandBeanOfTheSameNameReplacesTheStartersOwn() {
		BackfillCommand own = new BackfillCommand() {

			@Override
			public String name() {
				return "status";
			}

			@Override
			public String usage() {
				return "status                       the application's own";
			}

			@Override
			public int run(dev.backfill.boot.cli.CommandLine line, java.io.PrintStream out) {
				out.println("own status");
				return OK;
			}

		};
		this.runner.withUserConfiguration(Accounts.class)
			.withBean("backfillStatusCommand", BackfillCommand.class, () -> own)
			.run((context) -> {
				assertThat(context.getBean("backfillStatusCommand")).isSameAs(own);
				assertThat(Cli.run(context, "backfill", "status")).isEqualTo("0|own status" + System.lineSeparator());
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Accounts {

		@Bean
		static Backfill lowerEmails() {
			return LowerEmails.onAccounts();
		}

	}

}

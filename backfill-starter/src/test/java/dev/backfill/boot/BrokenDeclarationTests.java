package dev.backfill.boot;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.autoconfigure.BackfillFailureAnalyzer;
import dev.backfill.boot.cli.BackfillCliAutoConfiguration;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Declarations the database refuses: every problem of every one is named at once, by a
 * {@code backfill ...} command with exit code 2 and no stack trace, and by the
 * application's failure report when it starts as a server.
 */
@ExtendWith(OutputCaptureExtension.class)
class BrokenDeclarationTests extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		jdbc.sql("""
				CREATE TABLE accounts (id bigint NOT NULL, email text NOT NULL, email_lower text);
				INSERT INTO accounts (id, email) SELECT g, 'User' || g || '@X.org' FROM generate_series(1, 100) g""")
			.update();
	}

	@Test
	void aCommandExitsWith2NamingEveryProblemOfEveryDeclaration(CapturedOutput output) {
		assertThat(CommandApp.run(dataSource, Broken.class, "backfill", "run", "typo")).isEqualTo(2);
		assertThat(output.getOut()).contains("Backfill 'typo' does not fit table accounts")
			.contains("key column id of accounts has no unique index")
			.contains("column \"emial\" does not exist")
			.contains("Backfill 'ghost': table ghosts does not exist")
			.doesNotContain("\tat ")
			.doesNotContain("APPLICATION FAILED TO START");

		int from = output.getOut().length();
		assertThat(CommandApp.run(dataSource, Broken.class, "backfill", "status")).isEqualTo(2);
		assertThat(output.getOut().substring(from)).contains("has no unique index")
			.contains("emial")
			.contains("ghosts does not exist")
			.doesNotContain("\tat ");
		assertThat(count("SELECT count(*) FROM BATCH_JOB_INSTANCE")).isZero();
	}

	@Test
	void theApplicationFailsToStartNamingEveryProblem() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
					BatchJdbcAutoConfiguration.class, BackfillAutoConfiguration.class,
					BackfillCliAutoConfiguration.class))
			.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
			.withUserConfiguration(Broken.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new BackfillFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("has no unique index")
					.contains("emial")
					.contains("ghosts does not exist");
				assertThat(analysis.getAction()).isNotBlank();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Broken {

		@Bean
		static Backfill typo() {
			return Backfill.sql("typo")
				.table("accounts")
				.key("id")
				.pending("email_lower IS NULL")
				.update("UPDATE accounts SET email_lower = lower(emial) WHERE id > :from AND id <= :to")
				.rollback("UPDATE accounts SET email_lower = NULL WHERE id > :from AND id <= :to")
				.build();
		}

		@Bean
		static Backfill ghost() {
			return Backfill.sql("ghost")
				.table("ghosts")
				.key("id")
				.pending("x IS NULL")
				.update("UPDATE ghosts SET x = 1 WHERE id > :from AND id <= :to")
				.oneWay("test")
				.build();
		}

	}

}

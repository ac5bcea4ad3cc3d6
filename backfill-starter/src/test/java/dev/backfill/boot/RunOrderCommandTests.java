package dev.backfill.boot;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.InvalidBackfillException;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.cli.BackfillCliAutoConfiguration;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code .after(...)} through the command line: a run before the one it runs after
 * completed exits 2 naming it and its state; an unknown name stops the application's
 * start.
 */
class RunOrderCommandTests extends DatabaseTest {

	@BeforeAll
	static void createTable() {
		jdbc.sql("""
				CREATE TABLE ordered_cli (id bigint PRIMARY KEY, a int, b int);
				INSERT INTO ordered_cli (id) SELECT g FROM generate_series(1, 2000) g""").update();
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
				BatchJdbcAutoConfiguration.class, BackfillAutoConfiguration.class, BackfillCliAutoConfiguration.class))
		.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
		.withPropertyValues("backfill.cli.exit=false");

	@Test
	void aRunBeforeItsPredecessorCompletedExitsTwoNamingIt() {
		this.runner.withBean("fillA", Backfill.class, () -> fill("fill-a", "a", null))
			.withBean("copyB", Backfill.class, () -> fill("copy-b", "b", "fill-a"))
			.run((context) -> {
				assertThat(Cli.run(context, "backfill", "run", "copy-b")).startsWith("2|")
					.contains("Backfill 'copy-b' runs after 'fill-a', which never ran: run 'backfill run fill-a' "
							+ "first. It runs once 'fill-a' completed.");
				assertThat(Cli.run(context, "backfill", "list")).contains("rollback; runs after fill-a");
				assertThat(Cli.run(context, "backfill", "run", "fill-a")).startsWith("0|");
				assertThat(Cli.run(context, "backfill", "run", "copy-b")).startsWith("0|");
			});
	}

	@Test
	void anUnknownPredecessorStopsTheStart() {
		this.runner.withBean("copyB", Backfill.class, () -> fill("copy-b", "b", "fill-z")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidBackfillException.class)
				.hasMessageContaining("Backfill 'copy-b' runs after 'fill-z', which is not declared");
		});
	}

	private static Backfill fill(String name, String column, String after) {
		Backfill.SqlBuilder builder = Backfill.sql(name)
			.table("ordered_cli")
			.key("id")
			.pending(column + " IS NULL")
			.update("UPDATE ordered_cli SET " + column + " = 1 WHERE id > :from AND id <= :to AND " + column
					+ " IS NULL")
			.rollback("UPDATE ordered_cli SET " + column + " = NULL WHERE id > :from AND id <= :to");
		return (after != null) ? builder.after(after).build() : builder.build();
	}

}

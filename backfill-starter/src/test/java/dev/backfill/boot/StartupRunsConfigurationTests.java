package dev.backfill.boot;

import java.util.List;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;
import dev.backfill.InvalidBackfillException;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.autoconfigure.StartupRuns;
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
 * {@code backfill.run-on-startup}: which backfills, in which order, and a name that is
 * not declared stopping the start. The runs themselves, across processes:
 * {@code StartupRunsTests}.
 */
class StartupRunsConfigurationTests extends DatabaseTest {

	@BeforeAll
	static void createTable() {
		jdbc.sql("CREATE TABLE startup_order (id bigint PRIMARY KEY, a int, b int)").update();
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
				BatchJdbcAutoConfiguration.class, BackfillAutoConfiguration.class))
		.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
		.withBean("fillA", Backfill.class, () -> fill("fill-a", "a").build())
		.withBean("copyB", Backfill.class, () -> fill("copy-b", "b").after("fill-a").build());

	@Test
	void aBackfillRunsAfterTheListedOnesItRunsAfter() {
		this.runner.withPropertyValues("backfill.run-on-startup=copy-b,fill-a")
			.run((context) -> assertThat(context.getBean(StartupRuns.class).names()).containsExactly("fill-a",
					"copy-b"));
		this.runner.run((context) -> assertThat(context.getBean(StartupRuns.class).names()).isEmpty());
	}

	@Test
	void aNameThatIsNotDeclaredStopsTheStart() {
		this.runner.withPropertyValues("backfill.run-on-startup=fill-a,fill-z").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidBackfillException.class)
				.hasMessage("backfill.run-on-startup names 'fill-z', which is not declared. Declared backfills: "
						+ "copy-b, fill-a. Correct the property.");
		});
	}

	@Test
	void aStartRunsEachSchemaOfADeclarationOverSchemasButNeverOneCompletedOrRolledBack() {
		BackfillStatus completed = new BackfillStatus("fills@tenant_a", BackfillState.COMPLETED, 3L, 1, 10, 0, "10", 0,
				0, null, null, null, null, 10, 1, 0, null, null, null, List.of());
		BackfillStatus rolledBack = BackfillStatus.rolledBack("fills@tenant_b", 5L, null, null, 10, null, null);
		BackfillStatus added = BackfillStatus.neverRun("fills@tenant_c", 10, null, null);
		BackfillStatus declared = new BackfillStatus("fills", BackfillState.NEVER_RUN, 5L, 1, 10, 20, null, 0, 0, null,
				null, null, null, 10, 1, 0, null, null, null, List.of(), List.of(completed, rolledBack, added));
		assertThat(StartupRuns.toRun(declared)).containsExactly("fills@tenant_c");
		assertThat(StartupRuns.toRun(added)).containsExactly("fills@tenant_c");
		assertThat(StartupRuns.toRun(rolledBack)).isEmpty();
	}

	private static Backfill.SqlBuilder fill(String name, String column) {
		return Backfill.sql(name)
			.table("startup_order")
			.key("id")
			.pending(column + " IS NULL")
			.update("UPDATE startup_order SET " + column + " = 1 WHERE id > :from AND id <= :to")
			.rollback("UPDATE startup_order SET " + column + " = NULL WHERE id > :from AND id <= :to");
	}

}

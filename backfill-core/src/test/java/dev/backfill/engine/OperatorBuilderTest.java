package dev.backfill.engine;

import java.util.List;

import dev.backfill.Backfill;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillSettings;
import dev.backfill.BackfillState;
import dev.backfill.InvalidBackfillException;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.Tuning;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An operator built from a data source and declarations alone: its transaction manager
 * and its JDBC job repository are its own, on that database.
 */
class OperatorBuilderTest extends DatabaseTest {

	private static final Backfill LOWER = Backfill.sql("lower-names")
		.table("names")
		.key("id")
		.pending("lower_name IS NULL")
		.update("UPDATE names SET lower_name = lower(name) WHERE id > :from AND id <= :to AND lower_name IS NULL")
		.rollback("UPDATE names SET lower_name = NULL WHERE id > :from AND id <= :to")
		.batchSize(300)
		.build();

	@BeforeAll
	static void createTable() {
		jdbc.sql("""
				CREATE TABLE names (id bigint PRIMARY KEY, name text NOT NULL, lower_name text);
				INSERT INTO names (id, name) SELECT g, 'Name ' || g FROM generate_series(1, 1000) g""").update();
	}

	@Test
	void runsWithItsOwnTransactionManagerAndJobRepository() {
		DefaultBackfillOperator operator = DefaultBackfillOperator.create(dataSource, LOWER).build();
		BackfillResult result = operator.run("lower-names", RunOptions.defaults(), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.batches()).isEqualTo(4);
		assertThat(count("SELECT count(*) FROM names WHERE lower_name = lower(name)")).isEqualTo(1000);
		// recorded in Spring Batch's own tables, where the next operator finds it
		assertThat(DefaultBackfillOperator.create(dataSource, List.of(LOWER)).build().status("lower-names").state())
			.isEqualTo(BackfillState.COMPLETED);
	}

	@Test
	void refusesSettingsForABackfillItDoesNotDeclare() {
		DefaultBackfillOperator.Builder builder = DefaultBackfillOperator.create(dataSource, LOWER)
			.tuning("lower-name", new Tuning(BackfillSettings.DEFAULTS, List.of()));
		assertThatThrownBy(builder::build).isInstanceOf(InvalidBackfillException.class)
			.hasMessage("Settings are given for backfill 'lower-name', but no backfill has that name. Declared: "
					+ "lower-names. Correct the name or remove its settings.");
	}

}

package dev.backfill;

import java.util.List;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A value the Java form's processor sets that its column cannot hold fails the batch,
 * naming the column, the key and the fix, instead of being cut to fit; nothing of that
 * batch is committed.
 */
class UnfitValueTest extends DatabaseTest {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			varchar(5)   | character varying(5) | Ann | Alexander | 9 characters | 22001 | widen the column
			char(5)      | character(5)         | Ann | Alexander | 9 characters | 22001 | widen the column
			numeric(5,2) | numeric(5,2)         | 1.5 | 1234.5    | 6 characters | 22003 | widen the column
			bit(3)       | bit(3)               | 101 | 10101     | 5 characters | 22026 | of the column's length
			""")
	void valueThatDoesNotFitFailsItsBatchNamingColumnAndKey(String type, String declared, String fits, String unfit,
			String length, String sqlState, String fix) {
		String table = "unfit_" + type.replaceAll("\\W", "_");
		String name = table.replace('_', '-');
		jdbc.sql("""
				CREATE TABLE %s (id bigint PRIMARY KEY, source text NOT NULL, target %s);
				INSERT INTO %1$s (id, source) SELECT g, CASE g WHEN 17 THEN '%s' ELSE '%s' END
				FROM generate_series(1, 30) g""".formatted(table, type, unfit, fits)).update();
		Backfill backfill = Backfill.java(name)
			.table(table)
			.key("id")
			.pending("target IS NULL")
			.read("source")
			.write("target")
			.process((row) -> row.set("target", row.getString("source")))
			.rollback("UPDATE %s SET target = NULL WHERE id > :from AND id <= :to".formatted(table))
			.batchSize(10)
			.build();

		BackfillResult result = TestOperators.operator(dataSource, backfill)
			.run(name, RunOptions.defaults(), ProgressListener.NONE);

		assertThat(result.state()).isEqualTo(BackfillState.FAILED);
		assertThat(result.failure()).contains("Backfill '" + name + "'")
			.contains("column target (" + declared + ")")
			.contains("key 17")
			.contains(length)
			.contains("SQLSTATE " + sqlState)
			.contains("batch (10, 20]")
			.containsIgnoringCase(fix)
			.doesNotContain(unfit);
		List<BatchRecord> log = new JdbcBatchLog(jdbc, "BACKFILL_").find(name);
		assertThat(log).extracting(BatchRecord::toKey).containsExactly("10");
		assertThat(jdbc.sql("SELECT id FROM %s WHERE target IS NOT NULL ORDER BY id".formatted(table))
			.query(Long.class)
			.list()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
	}

	@Test
	void dryRunNamesTheValueThatDoesNotFit() {
		jdbc.sql("""
				CREATE TABLE unfit_dry_run (id bigint PRIMARY KEY, source text NOT NULL, target varchar(5));
				INSERT INTO unfit_dry_run (id, source) SELECT g, 'Alexander' FROM generate_series(1, 3000) g""")
			.update();
		Backfill backfill = Backfill.java("unfit-dry-run")
			.table("unfit_dry_run")
			.key("id")
			.pending("target IS NULL")
			.read("source")
			.write("target")
			.process((row) -> row.set("target", row.getString("source")))
			.rollback("UPDATE unfit_dry_run SET target = NULL WHERE id > :from AND id <= :to")
			.build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);

		assertThatThrownBy(() -> operator.dryRun("unfit-dry-run", DryRunOptions.defaults()))
			.isInstanceOf(BackfillException.class)
			.hasMessageContaining("cannot write column target (character varying(5)) on key ")
			.hasMessageContaining("shorten the value in the processor");
		assertThat(count("SELECT count(*) FROM unfit_dry_run WHERE target IS NOT NULL")).isZero();
	}

}

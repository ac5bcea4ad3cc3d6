package dev.backfill;

import java.util.List;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Backfill.Builder#after(String...)}: a backfill that reads what another writes
 * runs only once that one completed; unknown names and cycles are refused when the
 * declarations are collected.
 */
class RunOrderTest extends DatabaseTest {

	@BeforeAll
	static void createTable() {
		jdbc.sql("""
				CREATE TABLE ordered (id bigint PRIMARY KEY, a int, b int);
				INSERT INTO ordered (id) SELECT g FROM generate_series(1, 3000) g""").update();
	}

	// b copies what a wrote: run before a, it would copy NULLs and call them done
	private static Backfill a() {
		return Backfill.sql("fill-a")
			.table("ordered")
			.key("id")
			.pending("a IS NULL")
			.update("UPDATE ordered SET a = id % 7 WHERE id > :from AND id <= :to AND a IS NULL")
			.rollback("UPDATE ordered SET a = NULL WHERE id > :from AND id <= :to")
			.batchSize(1000)
			.build();
	}

	private static Backfill b() {
		return Backfill.sql("copy-b")
			.table("ordered")
			.key("id")
			.pending("b IS NULL")
			.update("UPDATE ordered SET b = coalesce(a, -1) WHERE id > :from AND id <= :to AND b IS NULL")
			.rollback("UPDATE ordered SET b = NULL WHERE id > :from AND id <= :to")
			.after("fill-a")
			.batchSize(1000)
			.build();
	}

	@Test
	void aBackfillRefusesToRunUntilTheOneItRunsAfterCompleted() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, a(), b());
		assertThatThrownBy(() -> operator.run("copy-b", RunOptions.defaults(), ProgressListener.NONE))
			.isInstanceOfSatisfying(BackfillOrderException.class, (ex) -> {
				assertThat(ex.before()).isEqualTo("fill-a");
				assertThat(ex.state()).isEqualTo(BackfillState.NEVER_RUN);
			})
			.hasMessage("Backfill 'copy-b' runs after 'fill-a', which never ran: run 'backfill run fill-a' first. "
					+ "It runs once 'fill-a' completed.");
		// refused at once in the background too, with nothing started
		assertThatThrownBy(() -> operator.start("copy-b", BackgroundWork.Task.run(RunOptions.defaults()), "test"))
			.isInstanceOf(BackfillOrderException.class);
		assertThat(operator.status("copy-b").state()).isEqualTo(BackfillState.NEVER_RUN);
		assertThat(count("SELECT count(*) FROM ordered WHERE b IS NOT NULL")).isZero();

		assertThat(operator.run("fill-a", RunOptions.defaults(), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
		assertThat(operator.run("copy-b", RunOptions.defaults(), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM ordered WHERE b IS DISTINCT FROM a")).isZero();

		// a rolled back: what b would read again is gone
		assertThat(operator.rollback("fill-a", ProgressListener.NONE).state()).isEqualTo(BackfillState.COMPLETED);
		assertThatThrownBy(() -> operator.run("copy-b", RunOptions.defaults(), ProgressListener.NONE))
			.hasMessageStartingWith("Backfill 'copy-b' runs after 'fill-a', which was rolled back: run "
					+ "'backfill run fill-a' again first.");
	}

	@Test
	void unknownNamesCyclesAndItselfAreRefusedWithTheFix() {
		assertThatThrownBy(() -> new Backfills(List.of(b()))).isInstanceOf(InvalidBackfillException.class)
			.hasMessage("Backfill 'copy-b' runs after 'fill-a', which is not declared. Declared backfills: copy-b. "
					+ "Correct the name in .after(...), or declare 'fill-a'.");
		Backfill first = Backfill.sql("first")
			.table("ordered")
			.key("id")
			.pending("a IS NULL")
			.update("UPDATE ordered SET a = 1 WHERE id > :from AND id <= :to")
			.rollback("UPDATE ordered SET a = NULL WHERE id > :from AND id <= :to")
			.after("third")
			.build();
		Backfill second = Backfill.sql("second")
			.table("ordered")
			.key("id")
			.pending("a IS NULL")
			.update("UPDATE ordered SET a = 1 WHERE id > :from AND id <= :to")
			.rollback("UPDATE ordered SET a = NULL WHERE id > :from AND id <= :to")
			.after("first")
			.build();
		Backfill third = Backfill.sql("third")
			.table("ordered")
			.key("id")
			.pending("a IS NULL")
			.update("UPDATE ordered SET a = 1 WHERE id > :from AND id <= :to")
			.rollback("UPDATE ordered SET a = NULL WHERE id > :from AND id <= :to")
			.after("second")
			.build();
		assertThatThrownBy(() -> new Backfills(List.of(second, first, third)))
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessage("Backfills run after each other in a cycle: first runs after third runs after second runs "
					+ "after first. None of them could ever run: remove one of these .after(...).");
		assertThatThrownBy(() -> Backfill.sql("self").after("self")).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("runs .after(...) itself");
		assertThatThrownBy(() -> Backfill.sql("x").after("Not A Name"))
			.hasMessageContaining(".after(\"Not A Name\") names no backfill");
		assertThat(b().after()).containsExactly("fill-a");
		assertThat(a().after()).isEmpty();
	}

}

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
 * Declarations that cannot work are refused with a message that names the backfill and
 * the fix, before anything is written.
 */
class ValidationTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		jdbc.sql("""
				CREATE TABLE customers (id bigint PRIMARY KEY, email text, code text, amount numeric UNIQUE);
				CREATE TABLE no_unique (id bigint NOT NULL, email text);
				CREATE TABLE nullable_key (id bigint UNIQUE, email text)""").update();
	}

	@Test
	void missingTableIsNamedWithTheTableOfAnotherCase() {
		assertRefused(sql("ghost").table("Customers").key("id"), "Backfill 'ghost': table Customers does not exist",
				"declare .table(\"public.customers\")");
		assertRefused(sql("ghost2").table("nowhere").key("id"), "table nowhere does not exist",
				"Create the table first");
	}

	@Test
	void keyMustExistBeUniqueNotNullAndOfAWalkableType() {
		assertRefused(sql("k1").table("customers").key("uid"), "key column uid does not exist in customers",
				"columns: id, email, code, amount");
		assertRefused(sql("k2").table("no_unique").key("id"), "has no unique index",
				"CREATE UNIQUE INDEX CONCURRENTLY");
		assertRefused(sql("k3").table("nullable_key").key("id"), "allows NULL", "Declare it NOT NULL");
		assertRefused(sql("k4").table("customers").key("amount"), "has type numeric", "integer, text or uuid");
	}

	@Test
	void statementsArePlannedAgainstTheTable() {
		Backfill.SqlBuilder typo = Backfill.sql("typo")
			.table("customers")
			.key("id")
			.pending("email IS NULL")
			.update("UPDATE customers SET emial = lower(email) WHERE id > :from AND id <= :to")
			.rollback("UPDATE customers SET email = NULL WHERE id > :from AND id <= :to");
		assertRefused(typo, "Backfill 'typo': its update statement does not fit table customers: column \"emial\" of "
				+ "relation \"customers\" does not exist", "Correct .update(...) in the declaration");
		Backfill.JavaBuilder java = Backfill.java("java-missing")
			.table("customers")
			.key("id")
			.pending("email IS NULL")
			.read("email")
			.write("email_lower")
			.process((row) -> row.set("email_lower", "x"))
			.oneWay("test");
		assertRefused(java, "write column email_lower does not exist in customers", "Add the column");
	}

	@Test
	void everyProblemOfEveryDeclarationIsNamedAtOnce() {
		Backfill typo = Backfill.sql("typo-unique")
			.table("no_unique")
			.key("id")
			.pending("email IS NULL")
			.update("UPDATE no_unique SET email = lower(emial) WHERE id > :from AND id <= :to")
			.rollback("UPDATE no_unique SET email = NULL WHERE id > :from AND id <= :to")
			.build();
		Backfill ghost = sql("ghost3").table("nowhere").key("id").build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, typo, ghost);
		assertThatThrownBy(operator::validate).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("Backfill 'typo-unique' does not fit table no_unique")
			.hasMessageContaining("key column id of no_unique has no unique index")
			.hasMessageContaining("CREATE UNIQUE INDEX CONCURRENTLY")
			.hasMessageContaining("its update statement does not fit table no_unique: column \"emial\" does not exist")
			.hasMessageContaining("Backfill 'ghost3': table nowhere does not exist");
		// a run names every problem of its own declaration, and only of its own
		assertThatThrownBy(() -> operator.run("typo-unique", RunOptions.defaults(), ProgressListener.NONE))
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("no unique index")
			.hasMessageContaining("emial")
			.hasMessageNotContaining("nowhere");
	}

	@Test
	void declarationsWithoutRollbackOrWithBadPartsAreRefusedWhenBuilt() {
		assertThatThrownBy(() -> Backfill.sql("no-undo")
			.table("customers")
			.key("id")
			.pending("email IS NULL")
			.update("UPDATE customers SET email = 'x' WHERE id > :from AND id <= :to")
			.build()).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("Backfill 'no-undo' declares no rollback")
			.hasMessageContaining(".rollback(")
			.hasMessageContaining(".oneWay(");
		assertThatThrownBy(() -> Backfill.sql("Bad Name")).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("'Bad Name' is not valid")
			.hasMessageContaining("normalize-emails");
		assertThatThrownBy(() -> Backfill.sql("unbounded").update("UPDATE customers SET email = 'x'"))
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining(":from (exclusive) and :to (inclusive)");
		assertThatThrownBy(() -> Backfill.sql("inject").key("id; drop table customers"))
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("is not a valid identifier");
		assertThatThrownBy(() -> Backfill.sql("inject2").table("customers\" cascade"))
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("is not a valid identifier");
	}

	@Test
	void rollbackAndOneWayTogetherAreRefusedWhenBuilt() {
		assertThatThrownBy(() -> sql("both-ways").table("customers").key("id").oneWay("cannot be undone").build())
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessage("Backfill 'both-ways' declares both .rollback(...) and .oneWay(...): it either can be undone "
					+ "or cannot. Keep .rollback(...) if its statement undoes a batch, or .oneWay(...) if nothing can, "
					+ "and remove the other.");
		assertThatThrownBy(() -> Backfill.java("both-ways-java")
			.table("customers")
			.key("id")
			.pending("email IS NULL")
			.write("email")
			.process((row) -> row.set("email", "x"))
			.oneWay("cannot be undone")
			.rollback("UPDATE customers SET email = NULL WHERE id > :from AND id <= :to")
			.build()).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("Backfill 'both-ways-java' declares both .rollback(...) and .oneWay(...)");
	}

	@Test
	void duplicateAndUnknownNamesAreRefused() {
		Backfill a = sql("twice").table("customers").key("id").build();
		Backfill b = sql("twice").table("customers").key("id").build();
		assertThatThrownBy(() -> new Backfills(List.of(a, b))).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("Two backfills are named 'twice'");
		assertThatThrownBy(() -> new Backfills(List.of(a)).get("nope")).isInstanceOf(NoSuchBackfillException.class)
			.hasMessage("No backfill named 'nope'. Declared backfills: twice.");
	}

	private static Backfill.SqlBuilder sql(String name) {
		return Backfill.sql(name)
			.pending("email IS NULL")
			.update("UPDATE customers SET email = lower(email) WHERE id > :from AND id <= :to")
			.rollback("UPDATE customers SET email = NULL WHERE id > :from AND id <= :to");
	}

	private static void assertRefused(Backfill.Builder<?> builder, String problem, String fix) {
		Backfill backfill = builder.build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		assertThatThrownBy(operator::validate).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining(problem)
			.hasMessageContaining(fix);
		assertThatThrownBy(() -> operator.run(backfill.name(), RunOptions.defaults(), ProgressListener.NONE))
			.isInstanceOf(InvalidBackfillException.class);
		assertThat(jdbc.sql("SELECT count(*) FROM BATCH_JOB_INSTANCE WHERE JOB_NAME = ?")
			.param(backfill.name())
			.query(Long.class)
			.single()).as("nothing recorded for %s", backfill.name()).isZero();
	}

}

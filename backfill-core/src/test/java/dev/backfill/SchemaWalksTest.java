package dev.backfill;

import java.time.Duration;
import java.util.List;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs one declaration over many schemas, one per tenant, with a deliberately
 * non-idempotent backfill ({@code counter + 1}) whose statements name the table alone:
 * each schema is walked once, on its own checkpoint and log rows, and a schema added
 * later is walked by the next run alone.
 */
class SchemaWalksTest extends DatabaseTest {

	@BeforeAll
	static void createSchemas() {
		tenant("tenant_a", 1_000);
		tenant("tenant_b", 1_500);
		tenant("tenant_c", 500);
		// a schema the pattern does not match, with the same table
		tenant("tenantless", 300);
		// the public schema has the table too: the search path must put the tenant's
		// first
		tenant("public", 200);
	}

	private static void tenant(String schema, int rows) {
		jdbc.sql("CREATE SCHEMA IF NOT EXISTS " + schema).update();
		jdbc.sql("CREATE TABLE " + schema + ".accounts (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)")
			.update();
		jdbc.sql("INSERT INTO " + schema + ".accounts (id) SELECT g FROM generate_series(1, ?) g").param(rows).update();
	}

	private static Backfill.SqlBuilder counter(String name) {
		return Backfill.sql(name)
			.table("accounts")
			.key("id")
			.pending("counter = 0")
			.update("UPDATE accounts SET counter = counter + 1 WHERE id > :from AND id <= :to")
			.rollback("UPDATE accounts SET counter = counter - 1 WHERE id > :from AND id <= :to")
			.verify("SELECT id, 'counter is ' || counter FROM accounts WHERE id > :from AND id <= :to "
					+ "AND counter <> 1")
			.batchSize(400);
	}

	private static long counted(String schema, String condition) {
		return count("SELECT count(*) FROM " + schema + ".accounts WHERE " + condition);
	}

	@Test
	void eachSchemaIsWalkedOnceOnItsOwnAndOneAddedLaterByTheNextRun() {
		Backfill backfill = counter("tenant-counter").schemas("tenant_*")
			.removeOldPath(Duration.ZERO, "drop the old column in every tenant")
			.build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		operator.validate();
		BackfillResult result = operator.run("tenant-counter", RunOptions.defaults(), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.rows()).isEqualTo(3_000);
		for (String schema : List.of("tenant_a", "tenant_b", "tenant_c")) {
			assertThat(counted(schema, "counter <> 1")).as(schema).isZero();
			assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("tenant-counter@" + schema));
		}
		// the log's schema column names each walk's schema
		assertThat(jdbc
			.sql("SELECT DISTINCT SCHEMA_NAME FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME LIKE "
					+ "'tenant-counter@%' ORDER BY 1")
			.query(String.class)
			.list()).containsExactly("tenant_a", "tenant_b", "tenant_c");
		assertThat(counted("tenantless", "counter <> 0")).isZero();
		assertThat(counted("public", "counter <> 0")).isZero();

		BackfillStatus status = operator.status("tenant-counter");
		assertThat(status.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(status.rowsDone()).isEqualTo(3_000);
		assertThat(status.schemas()).extracting(BackfillStatus::backfill)
			.containsExactly("tenant-counter@tenant_a", "tenant-counter@tenant_b", "tenant-counter@tenant_c");
		assertThat(operator.status("tenant-counter@tenant_b").rowsDone()).isEqualTo(1_500);
		// the page's history and batches, over the schemas
		assertThat(operator.history("tenant-counter", 10)).hasSize(3);
		assertThat(operator.recentBatches("tenant-counter", 4)).hasSize(4);
		assertThatThrownBy(() -> operator.status("tenant-counter@public")).isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("schema public does not match");

		// a tenant added since: the next run walks it alone
		tenant("tenant_d", 700);
		assertThat(operator.status("tenant-counter").state()).isEqualTo(BackfillState.NEVER_RUN);
		BackfillResult next = operator.run("tenant-counter", RunOptions.defaults(), ProgressListener.NONE);
		assertThat(next.rows()).isEqualTo(700);
		assertThat(counted("tenant_d", "counter <> 1")).isZero();
		assertThat(counted("tenant_a", "counter <> 1")).isZero();
		assertThat(operator.status("tenant-counter").schemas()).hasSize(4);

		// verify and the gate, schema by schema
		assertThat(operator.readiness("tenant-counter").verdict()).isEqualTo(Readiness.Verdict.NOT_VERIFIED);
		assertThat(operator.verify("tenant-counter").passed()).isTrue();
		assertThat(operator.readiness("tenant-counter").ready()).isTrue();
		assertThat(operator.removalsDue()).singleElement()
			.satisfies((notice) -> assertThat(notice.backfill()).isEqualTo("tenant-counter"));
		// a migration's gate declares nothing: the job repository's schema walks answer
		assertThat(TestOperators.operator(dataSource).readiness("tenant-counter").ready()).isTrue();
		jdbc.sql("UPDATE tenant_b.accounts SET counter = 7 WHERE id = 42").update();
		Verification found = operator.verify("tenant-counter");
		assertThat(found.discrepancies()).isEqualTo(1);
		assertThat(found.keysChecked()).isEqualTo(3_700);
		assertThat(found.firstKeys()).containsExactly("tenant_b: 42");
		Readiness gate = operator.readiness("tenant-counter");
		assertThat(gate.verdict()).isEqualTo(Readiness.Verdict.DISCREPANCIES);
		assertThat(gate.reason()).startsWith("schema tenant_b (tenant-counter@tenant_b)");
		assertThat(TestOperators.operator(dataSource).readiness("tenant-counter").verdict())
			.isEqualTo(Readiness.Verdict.DISCREPANCIES);
		jdbc.sql("UPDATE tenant_b.accounts SET counter = 1 WHERE id = 42").update();

		// a rollback undoes each schema's walk
		BackfillResult rollback = operator.rollback("tenant-counter", ProgressListener.NONE);
		assertThat(rollback.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(rollback.rows()).isEqualTo(3_700);
		for (String schema : List.of("tenant_a", "tenant_b", "tenant_c", "tenant_d")) {
			assertThat(counted(schema, "counter <> 0")).as(schema).isZero();
		}
		assertThat(operator.status("tenant-counter").state()).isEqualTo(BackfillState.ROLLED_BACK);
		jdbc.sql("DROP SCHEMA tenant_d CASCADE").update();
	}

	@Test
	void aSchemaThatFailsStopsTheRunAndTheNextResumesItWithoutWalkingTheOthersAgain() {
		jdbc.sql("CREATE SCHEMA shop_a; CREATE SCHEMA shop_b").update();
		for (String schema : List.of("shop_a", "shop_b")) {
			jdbc.sql("CREATE TABLE " + schema + ".accounts (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)")
				.update();
			jdbc.sql("INSERT INTO " + schema + ".accounts (id) SELECT g FROM generate_series(1, 1200) g").update();
		}
		jdbc.sql("""
				CREATE TABLE public.shop_switch (broken boolean NOT NULL);
				INSERT INTO public.shop_switch VALUES (true);
				CREATE FUNCTION shop_b.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN IF NEW.id = 900 AND (SELECT broken FROM public.shop_switch) THEN
				  RAISE EXCEPTION 'refusing row 900'; END IF; RETURN NEW; END $$;
				CREATE TRIGGER refuse BEFORE UPDATE ON shop_b.accounts FOR EACH ROW EXECUTE FUNCTION shop_b.refuse()""")
			.update();
		Backfill backfill = counter("shop-counter").schemas(() -> List.of("shop_b", "shop_a")).build();
		// a backfill that reads what every shop's walk writes
		jdbc.sql("CREATE TABLE public.after_shops (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0);"
				+ "INSERT INTO public.after_shops VALUES (1)")
			.update();
		Backfill after = counter("after-shops").table("after_shops").after("shop-counter").build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill, after);
		BackfillResult failed = operator.run("shop-counter", RunOptions.defaults(), ProgressListener.NONE);
		assertThat(failed.state()).isEqualTo(BackfillState.FAILED);
		assertThat(failed.failure()).startsWith("shop-counter@shop_b: ").contains("refusing row 900");
		// in name order: shop_a first, then shop_b up to its failing batch
		assertThat(counted("shop_a", "counter <> 1")).isZero();
		assertThat(counted("shop_b", "counter = 1")).isEqualTo(800);
		assertThat(operator.status("shop-counter").state()).isEqualTo(BackfillState.FAILED);
		assertThat(operator.readiness("shop-counter").reason()).startsWith("schema shop_b (shop-counter@shop_b)");

		assertThatThrownBy(() -> operator.run("after-shops", RunOptions.defaults(), ProgressListener.NONE))
			.isInstanceOf(BackfillOrderException.class)
			.hasMessageContaining("shop-counter");

		jdbc.sql("UPDATE public.shop_switch SET broken = false").update();
		BackfillResult resumed = operator.run("shop-counter", RunOptions.defaults(), ProgressListener.NONE);
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(resumed.rows()).isEqualTo(400);
		assertThat(resumed.resumed()).isTrue();
		assertThat(counted("shop_a", "counter <> 1")).isZero();
		assertThat(counted("shop_b", "counter <> 1")).isZero();
		assertThat(operator.run("after-shops", RunOptions.defaults(), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
	}

	@Test
	void aPendingConditionThatNamesAnotherOfTheTenantsTablesReadsTheTenants() {
		jdbc.sql("CREATE SCHEMA pend_a; CREATE SCHEMA pend_b").update();
		for (String schema : List.of("pend_a", "pend_b")) {
			jdbc.sql("CREATE TABLE " + schema + ".accounts (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0);"
					+ "INSERT INTO " + schema + ".accounts (id) SELECT g FROM generate_series(1, 1000) g;"
					+ "CREATE TABLE " + schema + ".skipped (id bigint PRIMARY KEY); ANALYZE " + schema + ".accounts")
				.update();
		}
		jdbc.sql("INSERT INTO pend_a.skipped SELECT g FROM generate_series(1, 100) g").update();
		String pending = "counter = 0 AND NOT EXISTS (SELECT 1 FROM skipped s WHERE s.id = accounts.id)";
		Backfill backfill = Backfill.sql("pend-counter")
			.table("accounts")
			.key("id")
			.schemas("pend_*")
			.pending(pending)
			.update("UPDATE accounts SET counter = counter + 1 WHERE id > :from AND id <= :to AND " + pending)
			.rollback("UPDATE accounts SET counter = counter - 1 WHERE id > :from AND id <= :to")
			.batchSize(300)
			.build();
		// the configuration's tuning of the declaration holds for each schema's walk:
		// here
		// a parallelism of 2
		DefaultBackfillOperator operator = DefaultBackfillOperator.create(dataSource, backfill)
			.tuning("pend-counter", new Tuning(BackfillSettings.DEFAULTS, List.of(), 2))
			.build();
		operator.validate();
		assertThat(operator.status("pend-counter").rowsRemainingEstimate()).isPositive();
		// in partitions: their cuts probe the pending rows, as the run's estimates do
		BackfillResult result = operator.run("pend-counter", RunOptions.defaults(), ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.rows()).isEqualTo(1_900);
		assertThat(counted("pend_a", "counter = 1")).isEqualTo(900);
		assertThat(counted("pend_b", "counter = 1")).isEqualTo(1_000);
		assertThat(operator.status("pend-counter@pend_a").partitions()).hasSize(2);
	}

	@Test
	void validationNamesEverySchemaWhoseTableDoesNotFit() {
		jdbc.sql("""
				CREATE SCHEMA branch_a; CREATE SCHEMA branch_b; CREATE SCHEMA branch_c;
				CREATE TABLE branch_a.accounts (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0);
				CREATE TABLE branch_c.accounts (id bigint PRIMARY KEY)""").update();
		Backfill backfill = counter("branch-counter").schemas("branch_?").build();
		assertThatThrownBy(TestOperators.operator(dataSource, backfill)::validate)
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("Backfill 'branch-counter@branch_b': table branch_b.accounts does not exist")
			.hasMessageContaining("Backfill 'branch-counter@branch_c'")
			.hasMessageContaining("column \"counter\" does not exist")
			.hasMessageNotContaining("branch-counter@branch_a");
	}

	@Test
	void aDeclarationOverSchemasNamesItsTableAloneAndADryRunOneSchema() {
		assertThatThrownBy(() -> counter("qualified").table("public.accounts").schemas("tenant_*").build())
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("Name the table alone, .table(\"accounts\")");
		assertThatThrownBy(() -> counter("bad-pattern").schemas("tenant-%"))
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("is not a pattern over schema names");
		Backfill backfill = counter("dry-tenants").schemas("tenant_*").build();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		assertThatThrownBy(() -> operator.dryRun("dry-tenants", DryRunOptions.defaults()))
			.isInstanceOf(InvalidBackfillException.class)
			.hasMessageContaining("'backfill dry-run dry-tenants@tenant_a'");
		Estimate one = operator.dryRun("dry-tenants@tenant_b", DryRunOptions.defaults().withSampleBatches(3));
		assertThat(one.keysEstimate()).isBetween(1_000L, 2_000L);
		assertThat(counted("tenant_b", "counter <> 0")).isZero();
	}

}

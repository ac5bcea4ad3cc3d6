package dev.backfill;

import java.util.List;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.RepositoryFaults;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults while a run is launched: every attempt decides again, from what the job
 * repository holds now, where the run starts, and a launch cut between Spring Batch's
 * transactions leaves nothing that stops the next run.
 */
class LaunchFaultTest extends DatabaseTest {

	private static final int ROWS = 2_000;

	@BeforeAll
	static void createTables() {
		for (String table : List.of("after_rollback", "orphan_instance", "orphan_fault", "lost_at_end")) {
			jdbc.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
			jdbc.sql("INSERT INTO " + table + " (id) SELECT g FROM generate_series(1, ?) g").param(ROWS).update();
		}
	}

	// not idempotent: a row changed twice shows 2, a row skipped 0
	static Backfill counter(String table) {
		String name = table.replace('_', '-');
		return Backfill.sql(name)
			.table(table)
			.key("id")
			.pending("true")
			.update("UPDATE " + table + " SET counter = counter + 1 WHERE id > :from AND id <= :to")
			.rollback("UPDATE " + table + " SET counter = counter - 1 WHERE id > :from AND id <= :to")
			.batchSize(100)
			.build();
	}

	@Test
	void runAfterARollbackWhoseLaunchLosesItsConnectionStartsFromTheFirstKey() {
		RepositoryFaults faults = new RepositoryFaults();
		Backfill backfill = counter("after_rollback");
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, BackfillSettings.DEFAULTS, List.of(),
				faults::wrap, backfill);
		BackfillResult stopped = operator.run(backfill.name(), RunOptions.defaults(), (progress) -> {
			if (progress.batchNo() == 5) {
				operator.stop(backfill.name());
			}
		});
		assertThat(stopped.state()).isEqualTo(BackfillState.STOPPED);
		assertThat(operator.rollback(backfill.name(), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM after_rollback WHERE counter <> 0")).isZero();

		faults.failNext("createJobInstance", 1);
		BackfillResult run = operator.run(backfill.name(), RunOptions.defaults(), ProgressListener.NONE);
		assertThat(run.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM after_rollback WHERE counter <> 1")).isZero();
	}

	@Test
	void instanceLeftWithoutAnExecutionDoesNotStopTheNextRun() throws Exception {
		Backfill backfill = counter("orphan_instance");
		// what a process leaves that died between Spring Batch's two launch transactions
		DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
		JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
		factory.setDataSource(dataSource);
		factory.setTransactionManager(transactionManager);
		factory.afterPropertiesSet();
		factory.getObject()
			.createJobInstance(backfill.name(), new JobParametersBuilder().addLong("run.id", 1L).toJobParameters());

		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill);
		assertThat(operator.status(backfill.name()).state()).isEqualTo(BackfillState.NEVER_RUN);
		BackfillResult run = operator.run(backfill.name(), RunOptions.defaults(), ProgressListener.NONE);
		assertThat(run.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM orphan_instance WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find(backfill.name()));
	}

	@Test
	void launchThatLosesItsConnectionBetweenInstanceAndExecutionIsRetried() {
		RepositoryFaults faults = new RepositoryFaults().failNext("createJobExecution", 1);
		Backfill backfill = counter("orphan_fault");
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, BackfillSettings.DEFAULTS, List.of(),
				faults::wrap, backfill);
		BackfillResult run = operator.run(backfill.name(), RunOptions.defaults(), ProgressListener.NONE);
		assertThat(run.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM orphan_fault WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find(backfill.name()));
	}

	@Test
	void connectionLostAfterTheJobsEndWasSavedEndsTheRunCompleted() {
		RepositoryFaults faults = new RepositoryFaults().failCompletedUpdate(2);
		Backfill backfill = counter("lost_at_end");
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, BackfillSettings.DEFAULTS, List.of(),
				faults::wrap, backfill);
		BackfillResult run = operator.run(backfill.name(), RunOptions.defaults(), ProgressListener.NONE);
		assertThat(run.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(jdbc.sql("SELECT string_agg(DISTINCT counter::text, ',') FROM lost_at_end")
			.query(String.class)
			.single()).isEqualTo("1");
		assertThat(operator.status(backfill.name()).state()).isEqualTo(BackfillState.COMPLETED);
		// and the next run finds it done, as after any completed run
		assertThat(operator.run(backfill.name(), RunOptions.defaults(), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
	}

}

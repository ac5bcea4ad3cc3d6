package dev.backfill;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.RunLock;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestDatabase;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The run lock says which process runs a backfill: seen in this database only, by any
 * role, held for the whole run even when its session is ended alone, and named after the
 * process that holds it.
 */
class RunLockTest extends DatabaseTest {

	private static final int ROWS = 3_000;

	@BeforeAll
	static void createTables() {
		for (String table : List.of("retaken", "taken_over", "named", "crash_owner", "scoped")) {
			jdbc.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
			jdbc.sql("INSERT INTO " + table + " (id) SELECT g FROM generate_series(1, ?) g").param(ROWS).update();
		}
	}

	// not idempotent, and slow enough to act on between its batches
	static Backfill slowCounter(String table) {
		return Backfill.sql(table.replace('_', '-'))
			.table(table)
			.key("id")
			.pending("counter = 0")
			.update("WITH pause AS (SELECT pg_sleep(0.02)) UPDATE " + table
					+ " SET counter = counter + 1 FROM pause WHERE id > :from AND id <= :to")
			.rollback("UPDATE " + table + " SET counter = counter - 1 WHERE id > :from AND id <= :to")
			.batchSize(100)
			.build();
	}

	@Test
	void lockHeldInAnotherDatabaseOfTheServerIsNotThisDatabases() {
		HikariDataSource other = TestDatabase.create();
		try {
			JdbcClient.create(other)
				.sql("CREATE TABLE scoped (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)")
				.update();
			JdbcClient.create(other).sql("INSERT INTO scoped (id) SELECT g FROM generate_series(1, 3000) g").update();
			try (RunLock held = RunLock.tryAcquire(dataSource, "scoped").orElseThrow()) {
				assertThat(RunLock.isHeld(dataSource, "scoped")).isTrue();
				assertThat(RunLock.isHeld(other, "scoped")).isFalse();
				DefaultBackfillOperator there = TestOperators.operator(other, slowCounter("scoped"));
				assertThat(there.dryRun("scoped", DryRunOptions.defaults()).batches()).isPositive();
				assertThat(there.run("scoped", RunOptions.defaults(), ProgressListener.NONE).state())
					.isEqualTo(BackfillState.COMPLETED);
			}
		}
		finally {
			TestDatabase.drop(other);
		}
	}

	@Test
	void lockHeldByAnotherRoleIsSeenByARoleWithoutStatisticsPrivileges() {
		String role = "backfill_reader_" + UUID.randomUUID().toString().substring(0, 8);
		jdbc.sql("CREATE ROLE " + role + " LOGIN PASSWORD 'reader'").update();
		HikariDataSource reader = new HikariDataSource();
		reader.setJdbcUrl(dataSource.getJdbcUrl());
		reader.setUsername(role);
		reader.setPassword("reader");
		try (RunLock held = RunLock.tryAcquire(dataSource, "named").orElseThrow()) {
			assertThat(RunLock.holder(reader, "named")).hasValue(held.backendPid());
		}
		finally {
			reader.close();
			jdbc.sql("DROP ROLE " + role).update();
		}
	}

	@Test
	void runWhoseLockSessionEndsTakesTheLockAgainAndFinishes() throws Exception {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, slowCounter("retaken"));
		AtomicLong terminated = new AtomicLong();
		AtomicReference<Boolean> heldAgain = new AtomicReference<>();
		BackfillResult result = operator.run("retaken", RunOptions.defaults(), (progress) -> {
			if (progress.batchNo() == 3) {
				terminated.set(terminateLockSession("retaken"));
			}
			if (progress.batchNo() == 6) {
				heldAgain.set(RunLock.isHeld(dataSource, "retaken"));
			}
		});
		assertThat(terminated.get()).isPositive();
		assertThat(heldAgain.get()).as("the lock is held again by the run's new session").isTrue();
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM retaken WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("retaken"));
	}

	@Test
	void runWhoseLockIsTakenByAnotherProcessStopsBeforeItsNextBatch() throws Exception {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, slowCounter("taken_over"));
		AtomicReference<RunLock> other = new AtomicReference<>();
		try {
			assertThatThrownBy(() -> operator.run("taken-over", RunOptions.defaults(), (progress) -> {
				if (progress.batchNo() == 3) {
					// the lock's session ends, and another process takes the lock before
					// this one looks again
					terminateLockSession("taken-over");
					other.set(awaitLock("taken-over"));
				}
			})).isInstanceOf(BackfillLockLostException.class)
				.isInstanceOf(BackfillAlreadyRunningException.class)
				.hasMessageContaining("lost its run lock")
				.hasMessageContaining("stopped without committing another batch");
			assertThat(other.get()).isNotNull();
			assertThat(count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'taken-over'"
					+ " AND OUTCOME = 'COMMITTED'"))
				.isEqualTo(3);
			assertThat(count("SELECT count(*) FROM taken_over WHERE counter = 1")).isEqualTo(300);
		}
		finally {
			if (other.get() != null) {
				other.get().close();
			}
		}
		// once that process is gone, the same command resumes from the checkpoint
		BackfillResult resumed = operator.run("taken-over", RunOptions.defaults(), ProgressListener.NONE);
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM taken_over WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("taken-over"));
	}

	@Test
	void refusalNamesTheLiveHolderNotTheLastDeadRun() throws Exception {
		long deadPid = killChildAfter("crash-owner", 5);
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, slowCounter("crash_owner"));
		assertThat(operator.status("crash-owner").state()).isEqualTo(BackfillState.DEAD);
		// a process that took the lock and has not recorded itself yet, such as one
		// launching a verify
		try (RunLock live = RunLock.tryAcquire(dataSource, "crash-owner").orElseThrow()) {
			assertThat(operator.status("crash-owner").state()).as("the dead run is not the holder")
				.isEqualTo(BackfillState.DEAD);
			assertThatThrownBy(() -> operator.run("crash-owner", RunOptions.defaults(), ProgressListener.NONE))
				.isInstanceOf(BackfillAlreadyRunningException.class)
				.hasMessageContaining("database session " + live.backendPid())
				.hasMessageNotContaining("pid " + deadPid);
		}
		// a live run elsewhere is named by its own host and pid
		CountDownLatch running = new CountDownLatch(1);
		CompletableFuture<BackfillResult> run = CompletableFuture
			.supplyAsync(() -> operator.run("crash-owner", RunOptions.defaults(), (progress) -> {
				running.countDown();
			}));
		assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
		DefaultBackfillOperator elsewhere = TestOperators.operator(dataSource, slowCounter("crash_owner"));
		assertThatThrownBy(() -> elsewhere.run("crash-owner", RunOptions.defaults(), ProgressListener.NONE))
			.isInstanceOf(BackfillAlreadyRunningException.class)
			.hasMessageContaining("pid " + ProcessHandle.current().pid())
			.hasMessageNotContaining("pid " + deadPid);
		assertThat(elsewhere.status("crash-owner").state()).isEqualTo(BackfillState.RUNNING);
		assertThat(run.get(60, TimeUnit.SECONDS).state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM crash_owner WHERE counter <> 1")).isZero();
	}

	private static long terminateLockSession(String name) {
		int pid = RunLock.holder(dataSource, name).orElseThrow();
		jdbc.sql("SELECT pg_terminate_backend(?)").param(pid).query().listOfRows();
		return pid;
	}

	// the lock is free once PostgreSQL has ended the session
	private static RunLock awaitLock(String name) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			RunLock lock = RunLock.tryAcquire(dataSource, name).orElse(null);
			if (lock != null) {
				return lock;
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new IllegalStateException("the lock of " + name + " was not released");
	}

	private static long killChildAfter(String name, int batches) throws Exception {
		return ChildRun.killAfter(dataSource, name, batches);
	}

}

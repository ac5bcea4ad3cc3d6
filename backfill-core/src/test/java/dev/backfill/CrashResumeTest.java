package dev.backfill;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.RunLock;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kills a JVM in the middle of a run and resumes it: a deliberately non-idempotent backfill ({@code counter + 1})
 * shows that every row was changed exactly once, and the batch log that no range was skipped or redone.
 */
class CrashResumeTest extends DatabaseTest {

	static final String NAME = "crash-counter";

	private static final int ROWS = 20_000;

	@BeforeAll
	static void createTables() {
		jdbc.sql("CREATE TABLE crash_counter (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
		jdbc.sql("INSERT INTO crash_counter (id) SELECT g FROM generate_series(1, ?) g").param(ROWS).update();
	}

	static Backfill backfill() {
		return Backfill.sql(NAME)
			.table("crash_counter")
			.key("id")
			.pending("counter = 0")
			// not idempotent on purpose, and slow enough to be killed in the middle
			.update("""
					WITH pause AS (SELECT pg_sleep(0.02))
					UPDATE crash_counter SET counter = counter + 1 FROM pause WHERE id > :from AND id <= :to""")
			.rollback("UPDATE crash_counter SET counter = 0 WHERE id > :from AND id <= :to")
			.batchSize(200)
			.build();
	}

	@Test
	void killedRunResumesWithEveryRowChangedExactlyOnce() throws Exception {
		Path output = Files.createTempFile("crash-child", ".log");
		Process child = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator
				+ "java", "-cp", System.getProperty("java.class.path"), CrashTestChild.class.getName(),
				dataSource.getJdbcUrl(), dataSource.getUsername(),
				(dataSource.getPassword() != null) ? dataSource.getPassword() : "")
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (logged() < 15) {
			if (!child.isAlive()) {
				fail("child exited early with %d:%n%s", child.exitValue(), Files.readString(output));
			}
			if (System.nanoTime() > deadline) {
				child.destroyForcibly();
				fail("child logged no 15 batches in 60 s:%n%s", Files.readString(output));
			}
			Thread.sleep(20);
		}
		child.destroyForcibly().waitFor();

		DefaultBackfillOperator operator = TestOperators.operator(dataSource, backfill());
		long released = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (RunLock.isHeld(dataSource, NAME) && System.nanoTime() < released) {
			Thread.sleep(50);
		}
		BackfillStatus dead = operator.status(NAME);
		assertThat(dead.state()).isEqualTo(BackfillState.DEAD);
		assertThat(dead.batches()).isGreaterThanOrEqualTo(15);
		long committedBeforeKill = logged();
		assertThat(count("SELECT count(*) FROM crash_counter WHERE counter = 0")).isEqualTo(ROWS - 200 * committedBeforeKill);

		BackfillResult resumed = operator.run(NAME, RunOptions.defaults(), ProgressListener.NONE);
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(resumed.resumed()).isTrue();
		assertThat(resumed.rows()).isEqualTo(ROWS - 200 * committedBeforeKill);
		assertThat(count("SELECT count(*) FROM crash_counter WHERE counter <> 1")).isZero();
		assertThat(count("SELECT count(*) FROM crash_counter")).isEqualTo(ROWS);

		List<BatchRecord> log = new JdbcBatchLog(jdbc, "BACKFILL_").find(NAME);
		assertContiguous(log);
		assertThat(log.get(0).fromKey()).isEqualTo("0");
		assertThat(log.get(log.size() - 1).toKey()).isEqualTo(String.valueOf(ROWS));
		assertThat(log.stream().mapToLong(BatchRecord::rowsAffected).sum()).isEqualTo(ROWS);
		assertThat(log.stream().map(BatchRecord::jobExecutionId).distinct().count()).isEqualTo(2);
		assertThat(operator.status(NAME).state()).isEqualTo(BackfillState.COMPLETED);
	}

	private static long logged() {
		return count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = '" + NAME + "'");
	}


}

package dev.backfill.sample;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.BatchLogAssert;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * SIGTERM to a real {@code java -jar app.jar backfill run} process: the run finishes its
 * batch in flight, ends STOPPED (not dead), and the next run resumes it.
 */
class GracefulStopTests extends DatabaseTest {

	@Test
	void sigtermStopsTheRunAfterItsBatchAndTheNextRunResumesIt() throws Exception {
		SampleCommands.run(dataSource, "backfill", "seed", "--rows=300000");
		Path output = Files.createTempFile("backfill-sigterm", ".log");
		Process child = new ProcessBuilder(
				List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-cp",
						System.getProperty("java.class.path"), SampleApplication.class.getName(), "backfill", "run",
						"normalize-emails", "--batch-size=100", "--spring.datasource.url=" + dataSource.getJdbcUrl(),
						"--spring.datasource.username=" + dataSource.getUsername(),
						"--spring.datasource.password="
								+ ((dataSource.getPassword() != null) ? dataSource.getPassword() : "")))
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'normalize-emails'") < 20) {
			if (!child.isAlive()) {
				fail("child exited early with %d:%n%s", child.exitValue(), Files.readString(output));
			}
			if (System.nanoTime() > deadline) {
				child.destroyForcibly();
				fail("child logged no 20 batches in 60 s:%n%s", Files.readString(output));
			}
			Thread.sleep(20);
		}
		long signalled = System.nanoTime();
		child.destroy();
		assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM:%n%s", Files.readString(output))
			.isTrue();
		Duration exit = Duration.ofNanos(System.nanoTime() - signalled);

		// stopped, not dead: the execution ended STOPPED with its checkpoint on the last
		// committed batch
		assertThat(jdbc.sql("""
				SELECT e.STATUS FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i USING (JOB_INSTANCE_ID)
				WHERE i.JOB_NAME = 'normalize-emails' ORDER BY e.JOB_EXECUTION_ID DESC LIMIT 1""")
			.query(String.class)
			.single()).as("%s", Files.readString(output)).isEqualTo("STOPPED");
		long done = count("SELECT count(*) FROM customers WHERE email_normalized IS NOT NULL");
		assertThat(done).isPositive().isLessThan(300_000);
		assertThat(exit).isLessThan(Duration.ofSeconds(15));

		SampleCommands.run(dataSource, "backfill", "run", "normalize-emails", "--batch-size=5000");
		assertThat(count("SELECT count(*) FROM customers WHERE email_normalized IS DISTINCT FROM lower(trim(email))"))
			.isZero();
		BatchLogAssert.assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("normalize-emails"));
	}

}

package dev.backfill;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.jdbc.RunLock;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.fail;

/**
 * A run of {@link CrashTestChild} in a JVM of its own, killed with
 * {@code destroyForcibly()} once it committed a number of batches: a process that dies
 * mid-run.
 */
final class ChildRun {

	private ChildRun() {
	}

	/**
	 * @return the pid of the killed JVM, once PostgreSQL has released its run lock
	 */
	static long killAfter(HikariDataSource dataSource, String name, int batches) throws Exception {
		return killAfter(dataSource, name, batches, 0);
	}

	/**
	 * @param parallelism the partitions the child's run is split into, 0 for one walk
	 * @return the pid of the killed JVM, once PostgreSQL has released its run lock
	 */
	static long killAfter(HikariDataSource dataSource, String name, int batches, int parallelism) throws Exception {
		Path output = Files.createTempFile("crash-child", ".log");
		Process child = new ProcessBuilder(
				System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-cp",
				System.getProperty("java.class.path"), CrashTestChild.class.getName(), dataSource.getJdbcUrl(),
				dataSource.getUsername(), (dataSource.getPassword() != null) ? dataSource.getPassword() : "", name,
				String.valueOf(parallelism))
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (logged(dataSource, name) < batches) {
			if (!child.isAlive()) {
				fail("child exited early with %d:%n%s", child.exitValue(), Files.readString(output));
			}
			if (System.nanoTime() > deadline) {
				child.destroyForcibly();
				fail("child logged no %d batches in 60 s:%n%s", batches, Files.readString(output));
			}
			Thread.sleep(20);
		}
		long pid = child.pid();
		child.destroyForcibly().waitFor();
		long released = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (RunLock.isHeld(dataSource, name) && System.nanoTime() < released) {
			Thread.sleep(50);
		}
		return pid;
	}

	static long logged(HikariDataSource dataSource, String name) {
		return JdbcClient.create(dataSource)
			.sql("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = ?")
			.param(name)
			.query(Long.class)
			.single();
	}

}

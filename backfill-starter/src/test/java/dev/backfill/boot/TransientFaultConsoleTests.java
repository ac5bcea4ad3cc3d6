package dev.backfill.boot;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.backfill.Backfill;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator sees on the console of {@code backfill run} while the database ends
 * its sessions: one WARN line per fault saying what happened and what the run does, and
 * no stack trace from the pool, the transaction infrastructure or Spring Batch.
 */
@ExtendWith(OutputCaptureExtension.class)
class TransientFaultConsoleTests extends DatabaseTest {

	@BeforeAll
	static void createTable() {
		jdbc.sql("CREATE TABLE console_faults (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
		jdbc.sql("INSERT INTO console_faults (id) SELECT g FROM generate_series(1, 4000) g").update();
	}

	@Test
	void lostSessionsGiveOneWarningEachAndNoStackTrace(CapturedOutput output) throws Exception {
		CompletableFuture<Void> faults = CompletableFuture.runAsync(() -> {
			awaitBatches(5);
			// what a failover or a DBA's pg_terminate_backend does to the sessions doing
			// the work
			terminate("application_name NOT LIKE 'backfill %'");
			awaitBatches(20);
			// and to the run lock's session alone
			terminate("application_name LIKE 'backfill %'");
		});
		int exit = CommandApp.run(dataSource, Slow.class, "backfill", "run", "console-faults");
		faults.get(60, TimeUnit.SECONDS);
		assertThat(exit).isZero();
		dataSource.getHikariPoolMXBean().softEvictConnections();
		assertThat(count("SELECT count(*) FROM console_faults WHERE counter <> 1")).isZero();
		String console = output.getAll();
		assertThat(console.lines().filter((l) -> l.startsWith("\tat ") || l.startsWith("Caused by:")))
			.as("stack trace lines in%n%s", console)
			.isEmpty();
		// the log's lines, not logback's own status lines of its start
		assertThat(console.lines().filter((l) -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d+ ERROR .*")))
			.as("errors in%n%s", console)
			.isEmpty();
		List<String> warnings = console.lines()
			.filter((l) -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d+ WARN .*"))
			.toList();
		assertThat(warnings).as("warnings in%n%s", console).hasSize(2);
		assertThat(warnings.get(0)).contains("console-faults").contains("lost its connection").contains("57P01");
		assertThat(warnings.get(1)).contains("console-faults").contains("lost the session of its run lock");
		assertThat(console).contains("console-faults completed");
	}

	private static void awaitBatches(int batches) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (committed() < batches && System.nanoTime() < deadline) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	// on a connection of its own: the test's pool is on the database whose sessions are
	// ended
	private static long committed() {
		try (Connection connection = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
				dataSource.getPassword());
				ResultSet rs = connection.createStatement()
					.executeQuery("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'console-faults'"
							+ " AND OUTCOME = 'COMMITTED'")) {
			rs.next();
			return rs.getLong(1);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void terminate(String which) {
		try (Connection admin = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
				dataSource.getPassword());
				ResultSet rs = admin.createStatement()
					.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
							+ "current_database()" + " AND pid <> pg_backend_pid() AND " + which)) {
			rs.next();
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Slow {

		@Bean
		static Backfill consoleFaults() {
			return Backfill.sql("console-faults")
				.table("console_faults")
				.key("id")
				.pending("counter = 0")
				.update("""
						WITH pause AS (SELECT pg_sleep(0.02)) UPDATE console_faults SET counter = counter + 1
						FROM pause WHERE id > :from AND id <= :to""")
				.rollback("UPDATE console_faults SET counter = counter - 1 WHERE id > :from AND id <= :to")
				.batchSize(100)
				.build();
		}

	}

}

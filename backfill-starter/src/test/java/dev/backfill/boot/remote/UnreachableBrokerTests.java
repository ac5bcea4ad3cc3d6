package dev.backfill.boot.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker or a run handed to workers whose broker cannot be reached when it starts says
 * so, names the broker and the settings to fix, and ends with exit code 1, having changed
 * nothing; no broker is needed.
 */
class UnreachableBrokerTests {

	// nothing listens on port 1
	private static final String NO_BROKER = "127.0.0.1:1";

	private HikariDataSource database;

	private final List<AppProcess> processes = new ArrayList<>();

	@BeforeEach
	void createDatabase() {
		this.database = TestDatabase.create();
		JdbcClient jdbc = JdbcClient.create(this.database);
		jdbc.sql("CREATE TABLE " + RemoteApp.TABLE + " (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)")
			.update();
		jdbc.sql("INSERT INTO " + RemoteApp.TABLE + " (id) SELECT g FROM generate_series(1, 2000) g").update();
	}

	@AfterEach
	void dropDatabase() throws InterruptedException {
		for (AppProcess process : this.processes) {
			process.kill();
		}
		TestDatabase.drop(this.database);
	}

	@Test
	void workerSaysWhichBrokerItCannotReachAndEnds() throws Exception {
		AppProcess worker = start("backfill", "worker");
		assertThat(worker.awaitExit(Duration.ofSeconds(90))).as(worker.output()).isEqualTo(1);
		assertThat(worker.output()).contains("Cannot reach the RabbitMQ broker at 127.0.0.1:1")
			.contains("spring.rabbitmq.addresses")
			.doesNotContain("taking partitions")
			.doesNotContain("\tat ");
	}

	@Test
	void runHandedToWorkersSaysWhichBrokerItCannotReachAndChangesNothing() throws Exception {
		AppProcess manager = start("backfill", "run", RemoteApp.NAME, "--remote", "--parallelism=2");
		assertThat(manager.awaitExit(Duration.ofSeconds(90))).as(manager.output()).isEqualTo(1);
		assertThat(manager.output()).contains("Cannot reach the RabbitMQ broker at 127.0.0.1:1")
			.doesNotContain("\tat ");
		JdbcClient jdbc = JdbcClient.create(this.database);
		assertThat(
				jdbc.sql("SELECT count(*) FROM " + RemoteApp.TABLE + " WHERE counter <> 0").query(Long.class).single())
			.isZero();
	}

	private AppProcess start(String... command) throws Exception {
		AppProcess process = AppProcess.start(this.database, NO_BROKER, "backfill-unreachable", List.of(), command);
		this.processes.add(process);
		return process;
	}

}

package dev.backfill.boot.remote;

import dev.backfill.Backfill;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The application the remote tests start as separate processes, a run's and its workers':
 * a deliberately non-idempotent counter backfill ({@code counter = counter + 1}), slow
 * enough to be killed in the middle, so that a batch applied twice or skipped shows.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class RemoteApp {

	static final String NAME = "remote-counter";

	static final String TABLE = "remote_counter";

	public static void main(String[] args) {
		SpringApplication.run(RemoteApp.class, args);
	}

	@Bean
	Backfill remoteCounter() {
		return Backfill.sql(NAME)
			.table(TABLE)
			.key("id")
			.pending("counter = 0")
			.update("WITH pause AS (SELECT pg_sleep(0.1)) UPDATE " + TABLE
					+ " SET counter = counter + 1 FROM pause WHERE id > :from AND id <= :to")
			.rollback("UPDATE " + TABLE + " SET counter = 0 WHERE id > :from AND id <= :to")
			.batchSize(200)
			.build();
	}

}

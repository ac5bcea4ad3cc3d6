package dev.backfill.boot;

import java.time.Duration;
import java.util.List;

import dev.backfill.Backfill;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint's start takes the run's parallelism: a run started so is split into that
 * many partitions, and a parallelism out of range is refused before anything starts.
 */
class PartitionedStartTests extends DatabaseTest {

	@Test
	void endpointStartsARunInAsManyPartitionsAsItIsAsked() {
		jdbc.sql("""
						CREATE TABLE started_accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
						INSERT INTO started_accounts (id, email)
				SELECT g, 'User' || g || '@X.org' FROM generate_series(1, 3000) g;
						ANALYZE started_accounts""").update();
		try (WebApp app = WebApp.start(dataSource, Backfills.class, WebApp.WITHOUT_SECURITY,
				"backfill.web.allow-unsecured-actions=true")) {
			WebApp.Response refused = app.post("/actuator/backfills/started-emails",
					"{\"action\": \"start\", \"parallelism\": 999}");
			assertThat(refused.status()).as(refused.body()).isEqualTo(400);
			assertThat(count("SELECT count(*) FROM BATCH_JOB_INSTANCE")).isZero();
			WebApp.Response start = app.post("/actuator/backfills/started-emails",
					"{\"action\": \"start\", \"parallelism\": 3}");
			assertThat(start.status()).as(start.body()).isIn(200, 202);
			await().atMost(Duration.ofSeconds(60))
				.until(() -> app.get("/actuator/backfills/started-emails").<String>json("$.backfill.state"),
						"COMPLETED"::equals);
			WebApp.Response done = app.get("/actuator/backfills/started-emails");
			assertThat(done.<List<String>>json("$.backfill.partitions[*].state")).containsOnly("COMPLETED").hasSize(3);
			assertThat(done.<Integer>json("$.backfill.rowsDone")).isEqualTo(3000);
			assertThat(count("SELECT count(*) FROM started_accounts WHERE email_lower IS NULL")).isZero();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Backfills {

		@Bean
		static Backfill started() {
			return LowerEmails.on("started-emails", "started_accounts").batchSize(200).build();
		}

	}

}

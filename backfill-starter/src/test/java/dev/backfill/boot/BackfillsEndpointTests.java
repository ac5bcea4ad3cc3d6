package dev.backfill.boot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.backfill.Backfill;
import dev.backfill.boot.WebApp.Response;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code backfills} Actuator endpoint over HTTP, in an application on a real port and
 * a real PostgreSQL.
 */
class BackfillsEndpointTests extends DatabaseTest {

	private static WebApp app;

	@BeforeAll
	static void startApplication() {
		jdbc.sql("""
				CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
				INSERT INTO accounts (id, email) SELECT g, 'User' || g || '@X.org' FROM generate_series(1,
				2500) g;
				CREATE TABLE slow_accounts (id bigint PRIMARY KEY, seen boolean NOT NULL DEFAULT false);
				INSERT INTO slow_accounts (id) SELECT g FROM generate_series(1, 3000) g;
				CREATE TABLE estimated_accounts (id bigint PRIMARY KEY, seen boolean NOT NULL DEFAULT false);
				INSERT INTO estimated_accounts (id) SELECT g FROM generate_series(1, 30000) g;
				ANALYZE estimated_accounts;
				CREATE TABLE verified_accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
				INSERT INTO verified_accounts (id, email) SELECT g, 'User' || g || '@X.org' FROM
				generate_series(1, 1500) g;
				CREATE TABLE failing_accounts (id bigint PRIMARY KEY, share numeric);
				INSERT INTO failing_accounts (id) SELECT g FROM generate_series(1, 3000) g
				""").update();
		app = WebApp.start(dataSource, Backfills.class, WebApp.WITHOUT_SECURITY,
				"backfill.web.allow-unsecured-actions=true");
	}

	@AfterAll
	static void stopApplication() {
		app.close();
	}

	@Test
	void listsEveryBackfillWithItsStateProgressRateAndEta() {
		Response response = app.get("/actuator/backfills");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.<List<String>>json("$.backfills[*].name")).containsExactly("estimated-accounts",
				"failing-accounts", "lower-emails", "slow-accounts", "verified-accounts");
		for (String field : List.of("state", "percentDone", "rowsDone", "rowsRemainingEstimate", "rowsPerSecond",
				"etaSeconds", "batches")) {
			assertThat(response.<List<Object>>json("$.backfills[*]." + field)).as(field).hasSize(5);
		}
		// the list leaves the batch log out
		assertThat(response.body()).doesNotContain("recentBatches");
	}

	@Test
	void startRunsTheBackfillInTheBackgroundAndItsReportShowsTheBatchLog() {
		Response start = app.post("/actuator/backfills/lower-emails", "{\"action\": \"start\"}");
		assertThat(start.status()).as(start.body()).isIn(200, 202);
		assertThat(start.<String>json("$.action")).isEqualTo("start");

		Response done = awaitReport("lower-emails", (r) -> "COMPLETED".equals(r.json("$.backfill.state")));
		assertThat(done.<Double>json("$.backfill.percentDone")).isEqualTo(100.0);
		assertThat(done.<Integer>json("$.backfill.rowsDone")).isEqualTo(2500);
		assertThat(done.<Integer>json("$.backfill.batches")).isEqualTo(5);
		assertThat(done.<String>json("$.backfill.startedAt")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
		List<Map<String, Object>> batches = done.json("$.backfill.recentBatches");
		assertThat(batches).extracting((b) -> b.get("batchNo")).containsExactly(1, 2, 3, 4, 5);
		assertThat(batches).extracting((b) -> b.get("to")).containsExactly("500", "1000", "1500", "2000", "2500");
		assertThat(batches).extracting((b) -> b.get("rows")).containsOnly(500);
		assertThat(batches).allSatisfy((b) -> assertThat(b).containsKeys("from", "durationMs", "startedAt"));
		assertThat(count("SELECT count(*) FROM accounts WHERE email_lower IS NULL")).isZero();
		assertThat(done.<String>json("$.background.action")).isEqualTo("start");
		assertThat(done.<Boolean>json("$.background.failed")).isFalse();
	}

	@Test
	void aRunThatFailsAfterTheAnswerShowsItsFailureInTheReport() {
		Response start = app.post("/actuator/backfills/failing-accounts", "{\"action\": \"start\"}");
		// batch 15 divides by zero, 1.5 s after the start: the answer has gone by then
		assertThat(start.status()).as(start.body()).isEqualTo(202);
		Response running = app.get("/actuator/backfills/failing-accounts");
		assertThat(running.<String>json("$.background.action")).isEqualTo("start");
		assertThat(running.<String>json("$.background.by")).isEqualTo("the backfills endpoint");

		// Actuator leaves null fields out: the work's endedAt appears when it ended (the
		// report's own endedAt, the job execution's, may come first)
		assertThat(running.<Map<String, Object>>json("$.background")).doesNotContainKey("endedAt");
		Response failed = awaitReport("failing-accounts",
				(r) -> r.<Map<String, Object>>json("$.background").containsKey("endedAt"));
		assertThat(failed.<Boolean>json("$.background.failed")).isTrue();
		assertThat(failed.<String>json("$.background.outcome")).startsWith("failed: ").contains("division by zero");
		assertThat(failed.<String>json("$.backfill.state")).isEqualTo("FAILED");
		assertThat(count("SELECT count(*) FROM failing_accounts WHERE share IS NOT NULL")).isEqualTo(1400);
	}

	@Test
	void stopPauseAndResumeReachARunStartedFromTheEndpoint() throws Exception {
		String slow = "/actuator/backfills/slow-accounts";
		assertThat(app.post(slow, "{\"action\": \"start\"}").status()).isEqualTo(202);
		awaitBatches("slow-accounts", 3);

		Response again = app.post(slow, "{\"action\": \"start\"}");
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.<String>json("$.message")).contains("Backfill 'slow-accounts' is already running on");

		Response pause = app.post(slow, "{\"action\": \"pause\"}");
		assertThat(pause.status()).isEqualTo(200);
		assertThat(pause.<String>json("$.message")).startsWith("paused");
		awaitReport("slow-accounts", (r) -> "PAUSED".equals(r.json("$.backfill.state")));
		long held = batches("slow-accounts");
		Thread.sleep(1_000);
		// at most the batch that was in flight when the pause came
		assertThat(batches("slow-accounts")).isLessThanOrEqualTo(held + 1);

		assertThat(app.post(slow, "{\"action\": \"resume\"}").<String>json("$.message")).startsWith("resumed");
		awaitBatches("slow-accounts", held + 3);
		Response stop = app.post(slow, "{\"action\": \"stop\"}");
		assertThat(stop.<String>json("$.message")).startsWith("asked to stop");
		awaitReport("slow-accounts", (r) -> "STOPPED".equals(r.json("$.backfill.state")));
		assertThat(count("SELECT count(*) FROM slow_accounts WHERE NOT seen")).isPositive();

		// a start resumes the stopped run from its checkpoint
		assertThat(app.post(slow, "{\"action\": \"start\"}").status()).isIn(200, 202);
		awaitReport("slow-accounts", (r) -> "COMPLETED".equals(r.json("$.backfill.state")));
		assertThat(count("SELECT count(*) FROM slow_accounts WHERE NOT seen")).isZero();
	}

	@Test
	void dryRunEstimatesInTheBackgroundAndTheReportShowsItsEstimate() {
		Response dryRun = app.post("/actuator/backfills/estimated-accounts", "{\"action\": \"dry-run\"}");
		assertThat(dryRun.status()).as(dryRun.body()).isIn(200, 202);
		Response report = awaitReport("estimated-accounts", (r) -> r.body().contains("\"lastDryRun\""));
		assertThat(report.<Integer>json("$.backfill.lastDryRun.batchSize")).isEqualTo(100);
		assertThat(report.<Integer>json("$.backfill.lastDryRun.batches")).isEqualTo(300);
		assertThat(report.<Boolean>json("$.backfill.lastDryRun.idempotent")).isTrue();
		assertThat(report.<String>json("$.backfill.state")).isEqualTo("NEVER_RUN");
		assertThat(count("SELECT count(*) FROM estimated_accounts WHERE seen")).isZero();
	}

	@Test
	void verifyAndRollbackRunInTheBackgroundAndTheReportShowsThem() {
		String verified = "/actuator/backfills/verified-accounts";
		assertThat(app.post(verified, "{\"action\": \"start\"}").status()).isIn(200, 202);
		awaitReport("verified-accounts", (r) -> "COMPLETED".equals(r.json("$.backfill.state")));
		jdbc.sql("UPDATE verified_accounts SET email_lower = 'wrong' WHERE id = 42").update();

		assertThat(app.post(verified, "{\"action\": \"verify\"}").status()).isIn(200, 202);
		Response report = awaitReport("verified-accounts", (r) -> r.body().contains("\"lastVerify\""));
		assertThat(report.<Integer>json("$.backfill.lastVerify.discrepancies")).isEqualTo(1);
		assertThat(report.<List<String>>json("$.backfill.lastVerify.firstKeys")).containsExactly("42");
		assertThat(report.<Boolean>json("$.backfill.lastVerify.passed")).isFalse();

		assertThat(app.post(verified, "{\"action\": \"rollback\"}").status()).isIn(200, 202);
		awaitReport("verified-accounts", (r) -> "ROLLED_BACK".equals(r.json("$.backfill.state")));
		assertThat(count("SELECT count(*) FROM verified_accounts WHERE email_lower IS NOT NULL")).isZero();

		// nothing committed since: a second rollback says so, and did not fail
		assertThat(app.post(verified, "{\"action\": \"rollback\"}").status()).isIn(200, 202);
		Response again = awaitReport("verified-accounts", (r) -> r.body().contains("nothing to roll back"));
		assertThat(again.<String>json("$.background.outcome"))
			.isEqualTo("nothing to roll back: no batch was committed since the last rollback");
		assertThat(again.<Boolean>json("$.background.failed")).isFalse();
		assertThat(again.<String>json("$.backfill.state")).isEqualTo("ROLLED_BACK");
	}

	@Test
	void withoutSecurityActionsAreRefusedUnlessAllowedWhileReadsAreAnswered() {
		try (WebApp unsecured = WebApp.start(dataSource, Backfills.class, WebApp.WITHOUT_SECURITY)) {
			Response refused = unsecured.post("/actuator/backfills/lower-emails", "{\"action\": \"rollback\"}");
			assertThat(refused.status()).isEqualTo(403);
			assertThat(refused.<String>json("$.message"))
				.startsWith("Actions on backfills through the endpoint need " + "Spring Security")
				.contains("backfill.web.allow-unsecured-actions=true");
			assertThat(unsecured.get("/actuator/backfills").status()).isEqualTo(200);
		}
	}

	@Test
	void unknownBackfillIsNotFoundAndTheMessageNamesTheDeclaredOnes() {
		Response get = app.get("/actuator/backfills/nope");
		assertThat(get.status()).isEqualTo(404);
		assertThat(get.<String>json("$.message"))
			.isEqualTo("No backfill named 'nope'. Declared backfills: estimated-accounts, failing-accounts, "
					+ "lower-emails, slow-accounts, verified-accounts.");
		assertThat(app.post("/actuator/backfills/nope", "{\"action\": \"start\"}").status()).isEqualTo(404);
	}

	@Test
	void unknownActionIsABadRequestNamingTheValidActions() {
		Response bad = app.post("/actuator/backfills/lower-emails", "{\"action\": \"explode\"}");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.<String>json("$.message"))
			.startsWith("Unknown action 'explode'. Valid actions: " + "start, stop, pause, resume, dry-run");
		Response none = app.post("/actuator/backfills/lower-emails", "{}");
		assertThat(none.status()).isEqualTo(400);
		assertThat(none.<String>json("$.message")).startsWith("No action given. Valid actions: start,");
	}

	private static Response awaitReport(String name, Predicate<Response> condition) {
		return await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> app.get("/actuator/backfills/" + name), condition::test);
	}

	private static void awaitBatches(String name, long batches) {
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> batches(name) >= batches);
	}

	private static long batches(String name) {
		return jdbc.sql("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = :name AND OUTCOME = 'COMMITTED'")
			.param("name", name)
			.query(Long.class)
			.single();
	}

	@Configuration(proxyBeanMethods = false)
	static class Backfills {

		@Bean
		static Backfill verifiedAccounts() {
			return LowerEmails.on("verified-accounts", "verified_accounts")
				.verify("SELECT id, 'email_lower is ' || email_lower FROM verified_accounts WHERE id > :from "
						+ "AND id <= :to AND email_lower <> lower(email)")
				.build();
		}

		@Bean
		static Backfill lowerEmails() {
			return LowerEmails.on("lower-emails", "accounts").batchSize(500).build();
		}

		// 30 batches of about 0.1 s: long enough to pause, resume and stop it midway
		@Bean
		static Backfill slowAccounts() {
			return Backfill.sql("slow-accounts")
				.table("slow_accounts")
				.key("id")
				.pending("NOT seen")
				.update("WITH pause AS (SELECT pg_sleep(0.1)) UPDATE slow_accounts SET seen = true FROM pause "
						+ "WHERE id > :from AND id <= :to AND NOT seen")
				.rollback("UPDATE slow_accounts SET seen = false WHERE id > :from AND id <= :to")
				.batchSize(100)
				.build();
		}

		// batches of 0.1 s, and the fifteenth divides by zero
		@Bean
		static Backfill failingAccounts() {
			return Backfill.sql("failing-accounts")
				.table("failing_accounts")
				.key("id")
				.pending("share IS NULL")
				.update("WITH pause AS (SELECT pg_sleep(0.1)) UPDATE failing_accounts SET share = 1 / (id - 1450) "
						+ "FROM pause WHERE id > :from AND id <= :to AND share IS NULL")
				.rollback("UPDATE failing_accounts SET share = NULL WHERE id > :from AND id <= :to")
				.batchSize(100)
				.build();
		}

		@Bean
		static Backfill estimatedAccounts() {
			return Backfill.sql("estimated-accounts")
				.table("estimated_accounts")
				.key("id")
				.pending("NOT seen")
				.update("UPDATE estimated_accounts SET seen = true WHERE id > :from AND id <= :to AND NOT seen")
				.rollback("UPDATE estimated_accounts SET seen = false WHERE id > :from AND id <= :to")
				.batchSize(100)
				.build();
		}

	}

}

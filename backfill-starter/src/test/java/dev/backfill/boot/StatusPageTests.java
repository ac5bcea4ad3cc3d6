package dev.backfill.boot;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillState;
import dev.backfill.BackgroundWork;
import dev.backfill.RunOptions;
import dev.backfill.boot.WebApp.Response;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The status page, served on a real port with Spring Security, drawn and clicked by a
 * headless Chromium ({@link Browser}). Without one on the PATH the drawing test is
 * skipped, saying why, unless {@code BACKFILL_TEST_REQUIRE_BROWSER=true} (CI sets it),
 * which makes it fail.
 */
class StatusPageTests extends DatabaseTest {

	// the page's progress bar: its fill, and the track it fills
	private static final int BAR_FILL = 0x1971c2;

	private static final int BAR_TRACK = 0xdee2e6;

	private static final String REQUIRE_BROWSER = "BACKFILL_TEST_REQUIRE_BROWSER";

	private static WebApp app;

	@BeforeAll
	static void startApplication() {
		jdbc.sql("""
				CREATE TABLE page_accounts (id bigint PRIMARY KEY, seen boolean NOT NULL DEFAULT false);
				INSERT INTO page_accounts (id) SELECT g FROM generate_series(1, 3000) g;
				ANALYZE page_accounts""").update();
		jdbc.sql("""
				CREATE TABLE page_slow (id bigint PRIMARY KEY, seen boolean NOT NULL DEFAULT false);
				INSERT INTO page_slow (id) SELECT g FROM generate_series(1, 20000) g;
				ANALYZE page_slow""").update();
		app = WebApp.start(dataSource, Backfills.class, "backfill.web.enabled=true",
				"backfill.web.path=/ops/backfills");
	}

	@AfterAll
	static void stopApplication() {
		app.close();
	}

	@Test
	void pageIsHtmlThatRefreshesItselfAtTheConfiguredPath() {
		assertThat(app.get("/ops/backfills").status()).isEqualTo(401);
		Response page = app.get("/ops/backfills", "viewer", "secret");
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.contentType()).startsWith("text/html").contains("UTF-8");
		assertThat(page.body()).contains("<meta http-equiv=\"refresh\" content=\"5\">")
			.contains("page-accounts")
			.contains("role=\"progressbar\"");
		assertThat(app.get("/backfills", "viewer", "secret").status()).isEqualTo(404);
	}

	@Test
	void progressBarOfARunStoppedMidwayIsFilledAsFarAsTheDatabaseSays() throws Exception {
		String chromium = chromium();
		String backfill = "/actuator/backfills/page-accounts";
		assertThat(app.post(backfill, "{\"action\": \"start\"}", "operator", "secret").status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'page-accounts'") >= 8);
		assertThat(app.post(backfill, "{\"action\": \"stop\"}", "operator", "secret").status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> app.get(backfill, "viewer", "secret").<String>json("$.backfill.state"), "STOPPED"::equals);
		double expected = 100.0 * count("SELECT count(*) FROM page_accounts WHERE seen")
				/ count("SELECT count(*) FROM page_accounts");
		assertThat(expected).as("stopped midway").isBetween(10.0, 90.0);

		try (Browser browser = Browser.start(chromium)) {
			browser.authenticate("viewer", "secret");
			browser.open(app.url("/ops/backfills"));
			assertThat(filledPercent(browser.screenshot())).as("bar filled, against %.1f%% of rows done", expected)
				.isCloseTo(expected, within(3.0));
			// the stopped run in the history, with the rows the table holds
			assertThat(browser.<String>evaluate(section("page-accounts") + ".querySelector('table.history').innerText"))
				.containsPattern("STOPPED\\s+"
						+ String.format(Locale.ROOT, "%,d", count("SELECT count(*) FROM page_accounts WHERE seen")));
		}
	}

	@Test
	void pageReadsAsAPersonReadsItAndItsButtonsPauseAndResumeARun() throws Exception {
		String chromium = chromium();
		BackfillOperator operator = app.context().getBean(BackfillOperator.class);
		operator.start("page-slow", BackgroundWork.Task.run(RunOptions.defaults()), "the test");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'page-slow'") >= 5);
		try (Browser browser = Browser.start(chromium)) {
			browser.authenticate("operator", "secret");
			browser.open(app.url("/ops/backfills"));
			String text = browser.evaluate(section("page-slow") + ".innerText");
			assertThat(text)
				.containsPattern("Effective rate [\\d,]+ rows/s \\(rows done over the run's wall time, "
						+ "throttle holds included\\)")
				.containsPattern("working rate [\\d,]+ rows/s \\(recent batches, holds left out\\)")
				.containsPattern("Started \\d\\d:\\d\\d, (just now|\\d+ s ago) · running for [\\d.]+ s");
			assertThat(browser.<String>evaluate("document.body.innerText"))
				.doesNotContainPattern("\\d{4}-\\d\\d-\\d\\dT")
				.containsPattern("times in \\S+");
			// kept for a look at the page as it was drawn
			ImageIO.write(browser.screenshot(), "png", Path.of("target", "status-page.png").toFile());
			// the chart as the browser laid it out: both axes, their ticks and units
			String chart = section("page-slow") + ".querySelector('svg.chart')";
			assertThat(browser.<Number>evaluate(chart + ".getBoundingClientRect().width").intValue()).isEqualTo(640);
			assertThat(browser.<String>evaluate(chart + ".querySelector('.y-axis .title').textContent"))
				.isEqualTo("rows/s");
			assertThat(browser.<String>evaluate(chart + ".querySelector('.x-axis .title').textContent"))
				.startsWith("batch number");
			assertThat(browser.<Number>evaluate(chart + ".querySelectorAll('.y-axis .tick').length").intValue())
				.isGreaterThanOrEqualTo(3);
			assertThat(browser.<Number>evaluate(chart + ".querySelectorAll('.x-axis .tick').length").intValue())
				.isGreaterThanOrEqualTo(2);
			assertThat(browser.<Number>evaluate(chart + ".querySelectorAll('.bars rect').length").intValue())
				.isGreaterThanOrEqualTo(5);
			assertThat(browser.<String>evaluate(section("page-slow") + ".querySelector('table.history').innerText"))
				.contains("RUNNING");

			browser.click(button("page-slow", "pause"));
			assertThat(browser.<String>evaluate("document.querySelector('.notice').innerText"))
				.isEqualTo("Paused page-slow: its run holds before its next batch until it is resumed.");
			assertThat(operator.status("page-slow").state()).isEqualTo(BackfillState.PAUSED);
			assertThat(jdbc.sql("SELECT PAUSED_BY FROM BACKFILL_PAUSE WHERE BACKFILL_NAME = 'page-slow'")
				.query(String.class)
				.single()).isEqualTo("operator on the status page");

			browser.click(button("page-slow", "resume"));
			assertThat(browser.<String>evaluate("document.querySelector('.notice').innerText"))
				.isEqualTo("Resumed page-slow: its run takes its next batch within a second.");
			assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE")).isZero();
			long batches = count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'page-slow'");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> count(
						"SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'page-slow'") > batches);
		}
		finally {
			operator.stop("page-slow");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> operator.status("page-slow").state() != BackfillState.RUNNING);
		}
	}

	// a backfill's section of the page, in JavaScript
	private static String section(String name) {
		return "[...document.querySelectorAll('section')]"
				+ ".find((s) => s.querySelector('h2').firstChild.textContent === '" + name + "')";
	}

	private static String button(String name, String action) {
		return section(name) + ".querySelector('button[value=" + action + "]')";
	}

	// the share of the bar's widest row that has the fill colour, in percent
	private static double filledPercent(BufferedImage image) {
		int fill = 0;
		int track = 0;
		for (int y = 0; y < image.getHeight(); y++) {
			int rowFill = 0;
			int rowTrack = 0;
			for (int x = 0; x < image.getWidth(); x++) {
				int rgb = image.getRGB(x, y) & 0xffffff;
				rowFill += (rgb == BAR_FILL) ? 1 : 0;
				rowTrack += (rgb == BAR_TRACK) ? 1 : 0;
			}
			if (rowFill > 0 && rowFill + rowTrack > fill + track) {
				fill = rowFill;
				track = rowTrack;
			}
		}
		if (fill == 0) {
			fail("No progress bar in the screenshot: no pixel has the fill colour #%06x", BAR_FILL);
		}
		return 100.0 * fill / (fill + track);
	}

	// CI installs it (.ci/run) and requires it, so that the page's only real check cannot
	// be skipped there; a machine with only a JDK skips it, saying why
	private static String chromium() {
		Optional<String> found = Stream
			.of(Objects.requireNonNullElse(System.getenv("PATH"), "").split(File.pathSeparator))
			.filter((dir) -> !dir.isEmpty())
			.flatMap((dir) -> Stream.of("chromium", "chromium-browser", "google-chrome")
				.map((name) -> Path.of(dir, name)))
			.filter(Files::isExecutable)
			.findFirst()
			.map(Path::toString);
		if (found.isPresent()) {
			return found.get();
		}
		String missing = "This test draws the status page in a headless Chromium, and none is on the PATH (chromium, "
				+ "chromium-browser or google-chrome). Install it: apt-get install -y chromium";
		if ("true".equalsIgnoreCase(System.getenv(REQUIRE_BROWSER))) {
			return fail("%s. %s=true requires it.", missing, REQUIRE_BROWSER);
		}
		String skipped = missing + ". Skipped; with " + REQUIRE_BROWSER + "=true it fails instead.";
		// Surefire's console counts skipped tests without their reason
		System.err.println("StatusPageTests: " + skipped);
		return Assumptions.abort(skipped);
	}

	@Configuration(proxyBeanMethods = false)
	static class Backfills {

		// 30 batches of about 0.05 s, stopped after the 8th
		@Bean
		static Backfill pageAccounts() {
			return Backfill.sql("page-accounts")
				.table("page_accounts")
				.key("id")
				.pending("NOT seen")
				.update("WITH pause AS (SELECT pg_sleep(0.05)) UPDATE page_accounts SET seen = true FROM pause "
						+ "WHERE id > :from AND id <= :to AND NOT seen")
				.rollback("UPDATE page_accounts SET seen = false WHERE id > :from AND id <= :to")
				.batchSize(100)
				.build();
		}

		// 200 batches of about 0.05 s, paused and resumed midway
		@Bean
		static Backfill pageSlow() {
			return Backfill.sql("page-slow")
				.table("page_slow")
				.key("id")
				.pending("NOT seen")
				.update("WITH pause AS (SELECT pg_sleep(0.05)) UPDATE page_slow SET seen = true FROM pause "
						+ "WHERE id > :from AND id <= :to AND NOT seen")
				.rollback("UPDATE page_slow SET seen = false WHERE id > :from AND id <= :to")
				.batchSize(100)
				.build();
		}

		@Bean
		static UserDetailsService users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("viewer").password("{noop}secret").roles("VIEWER").build(),
					User.withUsername("operator").password("{noop}secret").roles("BACKFILL_OPERATOR").build());
		}

	}

}

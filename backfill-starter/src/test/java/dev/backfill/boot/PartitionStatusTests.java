package dev.backfill.boot;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillState;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.cli.BackfillCliAutoConfiguration;
import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A completed run split into 4 partitions beside one in one walk, as
 * {@code backfill status} (text and JSON), the endpoint and the status page show them: a
 * line, an entry and a row for each partition, whose figures sum to the run's, and no
 * partitions for the run in one walk.
 */
class PartitionStatusTests extends DatabaseTest {

	// " 3 (1000, 2000] COMPLETED 1,000 / 1,000 100.0% 0 2000 host pid 42"
	private static final Pattern PARTITION_LINE = Pattern
		.compile("^  +(\\d) +(\\S.*\\S) +COMPLETED +([\\d,]+) / ([\\d,]+) +100\\.0% +[\\d,]+ +(\\d+) +(\\S.*)$");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
				BatchJdbcAutoConfiguration.class, BackfillAutoConfiguration.class, BackfillCliAutoConfiguration.class))
		.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
		.withUserConfiguration(Backfills.class)
		.withPropertyValues("backfill.cli.exit=false");

	@BeforeAll
	static void runOneSplitInFourPartitionsAndOneInOneWalk() {
		jdbc.sql("""
						CREATE TABLE split_accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
						INSERT INTO split_accounts (id, email)
				SELECT g, 'User' || g || '@X.org' FROM generate_series(1, 4000) g;
						ANALYZE split_accounts;
						CREATE TABLE walk_accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
						INSERT INTO walk_accounts (id, email)
				SELECT g, 'User' || g || '@X.org' FROM generate_series(1, 1000) g
						""").update();
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, Backfills.split(), Backfills.walk());
		assertThat(operator.run("split-emails", new RunOptions(250, 4), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
		assertThat(operator.run("walk-emails", new RunOptions(250), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
		assertThat(operator.status("split-emails").partitions()).hasSize(4);
	}

	@Test
	void statusOfARunInPartitionsPrintsALineForEachAlignedWhoseRowsSumToTheRun() {
		this.runner.run((context) -> {
			String out = Cli.run(context, "backfill", "status", "split-emails");
			assertThat(out).startsWith("0|").contains("  4 partitions (4 completed)\n");
			List<String> lines = out.lines().filter((l) -> PARTITION_LINE.matcher(l).matches()).toList();
			assertThat(lines).hasSize(4);
			long rows = 0;
			for (int i = 0; i < lines.size(); i++) {
				Matcher line = PARTITION_LINE.matcher(lines.get(i));
				assertThat(line.matches()).isTrue();
				assertThat(line.group(1)).isEqualTo(String.valueOf(i + 1));
				// done equals total once completed: no estimate left
				assertThat(line.group(3)).isEqualTo(line.group(4));
				assertThat(line.group(6)).contains(" pid ");
				rows += Long.parseLong(line.group(3).replace(",", ""));
			}
			assertThat(rows).isEqualTo(4000);
			assertThat(lines.get(0)).contains("[start, ");
			assertThat(lines.get(3)).contains(", end]");
			// aligned: words start under their heading, numbers end under theirs
			String heading = out.lines().filter((l) -> l.contains("RANGE")).findFirst().orElseThrow();
			assertThat(lines).allSatisfy((l) -> {
				assertThat(l.indexOf("COMPLETED")).isEqualTo(heading.indexOf("STATE"));
				assertThat(l.indexOf("100.0%") + "100.0%".length())
					.isEqualTo(heading.lastIndexOf("DONE") + "DONE".length());
			});
		});
	}

	@Test
	void statusOfAllCountsThePartitionsWithoutALineForEach() {
		this.runner.run((context) -> {
			String out = Cli.run(context, "backfill", "status");
			assertThat(out).startsWith("0|").contains("  4 partitions (4 completed)\n").doesNotContain("RANGE");
			assertThat(out.lines().filter((l) -> l.contains("partitions"))).hasSize(1);
		});
	}

	@Test
	void statusOfARunInOneWalkIsAsBefore() {
		this.runner.run((context) -> {
			String out = Cli.run(context, "backfill", "status", "walk-emails");
			assertThat(out).startsWith("0|").contains("COMPLETED").doesNotContain("partition").doesNotContain("RANGE");
			assertThat(Cli.run(context, "backfill", "status", "walk-emails", "--json")).doesNotContain("partitions");
		});
	}

	@Test
	void jsonHasAnEntryForEachPartitionWhoseFiguresSumToTheRun() {
		this.runner.run((context) -> {
			Map<String, Object> report = json(Cli.run(context, "backfill", "status", "split-emails", "--json"));
			assertThat(report).containsEntry("state", "COMPLETED");
			@SuppressWarnings("unchecked")
			List<Map<String, Object>> partitions = (List<Map<String, Object>>) report.get("partitions");
			assertThat(partitions).hasSize(4);
			assertThat(partitions).extracting((p) -> number(p, "partition")).containsExactly(1L, 2L, 3L, 4L);
			assertThat(partitions).allSatisfy((p) -> assertThat(p).containsEntry("state", "COMPLETED")
				.containsEntry("percentDone", 100.0)
				.containsKeys("range", "batches", "rowsDone", "rowsRemainingEstimate", "lastKey", "rowsPerSecond",
						"worker"));
			assertThat(partitions.stream().mapToLong((p) -> number(p, "rowsDone")).sum())
				.isEqualTo(number(report, "rowsDone"))
				.isEqualTo(4000);
			assertThat(partitions.stream().mapToLong((p) -> number(p, "batches")).sum())
				.isEqualTo(number(report, "batches"));
			assertThat(partitions.get(3)).containsEntry("lastKey", "4000");

			// the list of all: the partitions of the one, none for the other
			String all = Cli.run(context, "backfill", "status", "--json");
			List<Object> reports = JsonParserFactory.getJsonParser().parseList(all.substring(all.indexOf('|') + 1));
			assertThat(reports).hasSize(2);
			assertThat(reports.stream()
				.map((r) -> (Map<?, ?>) r)
				.filter((r) -> r.containsKey("partitions"))
				.map((r) -> String.valueOf(r.get("name")))).containsExactly("split-emails");
		});
	}

	@Test
	void endpointAndPageShowThePartitionsOfTheRunInPartitionsOnly() {
		try (WebApp app = WebApp.start(dataSource, Backfills.class, WebApp.WITHOUT_SECURITY,
				"backfill.web.enabled=true")) {
			WebApp.Response split = app.get("/actuator/backfills/split-emails");
			assertThat(split.status()).isEqualTo(200);
			assertThat(split.<List<String>>json("$.backfill.partitions[*].state")).containsOnly("COMPLETED").hasSize(4);
			assertThat(split.<List<Integer>>json("$.backfill.partitions[*].rowsDone")
				.stream()
				.mapToInt(Integer::intValue)
				.sum()).isEqualTo(4000);
			WebApp.Response walk = app.get("/actuator/backfills/walk-emails");
			assertThat(walk.<Map<String, Object>>json("$.backfill")).doesNotContainKey("partitions");

			String page = app.get("/backfills").body();
			assertThat(page).containsOnlyOnce("<table class=\"partitions\">")
				.contains("<caption>4 partitions (4 completed)</caption>");
			String splitSection = page.substring(page.indexOf("<h2>split-emails"), page.indexOf("<h2>walk-emails"));
			assertThat(splitSection).contains("<table class=\"partitions\">");
			assertThat(splitSection.split("class=\"partition-bar\"")).hasSize(5);
		}
	}

	private static Map<String, Object> json(String out) {
		assertThat(out).startsWith("0|");
		return JsonParserFactory.getJsonParser().parseMap(out.substring(out.indexOf('|') + 1));
	}

	private static long number(Map<String, Object> map, String field) {
		return ((Number) map.get(field)).longValue();
	}

	@Configuration(proxyBeanMethods = false)
	static class Backfills {

		@Bean
		static Backfill split() {
			return LowerEmails.on("split-emails", "split_accounts").build();
		}

		@Bean
		static Backfill walk() {
			return LowerEmails.on("walk-emails", "walk_accounts").build();
		}

	}

}

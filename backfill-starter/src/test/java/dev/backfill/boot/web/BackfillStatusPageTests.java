package dev.backfill.boot.web;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

import dev.backfill.BackfillState;
import dev.backfill.BatchSummary;
import dev.backfill.RunSummary;
import dev.backfill.boot.report.BackfillReport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackfillStatusPageTests {

	private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");

	private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

	private static final PageContext PAGE = new PageContext(AT.plusSeconds(200), BERLIN, "/ops/backfills", null, null);

	private static String render(BackfillReport report, List<RunSummary> history, PageContext page) {
		return BackfillStatusPage.render(List.of(new BackfillView(report, history)), page);
	}

	private static String render(BackfillReport report) {
		return render(report, List.of(), PAGE);
	}

	@Test
	void everyValueIsEscaped() {
		BackfillReport report = new BackfillReport("orders", "FAILED", 12.5, 125, 875, 10, 90, 2, 100, "<b>key</b>", 7L,
				AT, AT, "host <script>alert(1)</script>", "ERROR: value \"<img src=x>\" & more", 12.5, 0, null,
				new BackfillReport.VerifySummary(8, AT, 10, 1, false, true, List.of("<k>")),
				List.of(new BatchSummary(1, "<from>", false, "<to>", 5, 12, AT)), null);
		String html = render(report,
				List.of(new RunSummary(7, 3, BackfillState.FAILED, AT, AT, 125, false, "<script>x</script>")),
				new PageContext(AT, BERLIN, "/ops/backfills", new PageContext.Buttons("_csrf", "\"><script>"),
						"Paused <orders>."));
		assertThat(html).doesNotContain("<script>")
			.doesNotContain("<img")
			.doesNotContain("<k>")
			.doesNotContain("<orders>")
			.contains("host &lt;script&gt;alert(1)&lt;/script&gt;")
			.contains("ERROR: value &quot;&lt;img src=x&gt;&quot; &amp; more")
			.contains("first keys &lt;k&gt;")
			.contains("value=\"&quot;&gt;&lt;script&gt;\"");
	}

	@Test
	void progressBarWidthIsCssWhateverTheDefaultLocale() {
		Locale locale = Locale.getDefault();
		Locale.setDefault(Locale.GERMANY);
		try {
			BackfillReport report = new BackfillReport("orders", "RUNNING", 12.5, 125, 875, 1234.5, 90, 2, 100, "250",
					7L, AT, null, null, null, 1.2, 0, null, null, List.of(), null);
			assertThat(render(report)).contains("style=\"width: 12.5%\"")
				.contains("working rate 1,235 rows/s")
				.contains("No batch committed yet.");
		}
		finally {
			Locale.setDefault(locale);
		}
	}

	@Test
	void theContractStepSaysWhetherItMayRunAndWhy() {
		BackfillReport report = new BackfillReport("orders", "COMPLETED", 100, 30_000, 0, 3_000, 0, 30, 1000, "30000",
				7L, AT, AT.plusSeconds(100), null, null, 100, 0, null, null, List.of(), null,
				new BackfillReport.ReadinessSummary(false, "NOT_VERIFIED",
						"completed but not verified since: run 'backfill verify <orders>'"));
		assertThat(render(report))
			.contains("<p data-ready=\"false\">Contract step: <b>not yet</b>, no verify passed since its run</p>");
		BackfillReport none = new BackfillReport("orders", "COMPLETED", 100, 30_000, 0, 3_000, 0, 30, 1000, "30000", 7L,
				AT, AT.plusSeconds(100), null, null, 100, 0, null, null, List.of(), null);
		assertThat(render(none)).doesNotContain("Contract step");
	}

	@Test
	void effectiveRateCountsTheThrottlesHoldsBesideTheWorkingRate() {
		// 30,000 rows in 100 s of a run capped at 300 rows/s, 90 s of it held
		BackfillReport report = new BackfillReport("orders", "COMPLETED", 100, 30_000, 0, 3_000, 0, 30, 1000, "30000",
				7L, AT, AT.plusSeconds(100), null, null, 100, 90, null, null, List.of(), null);
		assertThat(render(report))
			.contains(
					"Effective rate 300 rows/s</b> (rows done over the run's wall time, " + "throttle holds included)")
			.contains("working rate 3,000 rows/s (recent batches, holds left out)")
			.contains("held by throttles 1 min 30 s of 1 min 40 s");
	}

	@Test
	void timesReadInTheServersZoneToTheMinuteWithHowLongAgo() {
		BackfillReport running = new BackfillReport("orders", "RUNNING", 10, 100, 900, 10, 90, 2, 100, "100", 7L,
				AT.plusNanos(123_456_789), null, null, null, 200, 0, null, null, List.of(), null);
		assertThat(render(running)).contains("Started 11:00, 3 min ago &middot; running for 3 min 19 s")
			.contains("Updated 11:03; times in Europe/Berlin (UTC+01:00)")
			.doesNotContain("2026-11-25T")
			.doesNotContain(".123");
		BackfillReport ended = new BackfillReport("orders", "COMPLETED", 100, 1000, 0, 10, 0, 2, 100, "1000", 7L, AT,
				AT.plusSeconds(18 * 60), null, null, 1080, 0, null, null, List.of(), null);
		PageContext later = new PageContext(AT.plus(java.time.Duration.ofDays(1)), BERLIN, "/p", null, null);
		assertThat(render(ended, List.of(), later)).contains("Started 2026-11-25 11:00, 1 d ago")
			.contains("ended 2026-11-25 11:18 (18 min)");
	}

	@Test
	void dryRunTimesReadAsOnEveryPageWhateverTheDefaultLocale() {
		Locale locale = Locale.getDefault();
		Locale.setDefault(Locale.GERMANY);
		try {
			BackfillReport report = new BackfillReport("orders", "NEVER_RUN", 0, 0, 1000, 0, 0, 0, 0, null, null, null,
					null, null, null, 0, 0,
					new BackfillReport.DryRunSummary(3, AT, 100, false, 1000, 10, 12.5, 10.4, 75.5, 40, true, null),
					null, List.of(), null);
			assertThat(render(report)).contains("11:00, 3 min ago: ~12.5 s (10.4 s to 1 min 15 s)");
		}
		finally {
			Locale.setDefault(locale);
		}
	}

	@Test
	void chartHasAxesWithTicksAndUnits() {
		List<BatchSummary> batches = List.of(new BatchSummary(1, "0", true, "1000", 1000, 100, AT),
				new BatchSummary(2, "1000", false, "2000", 1000, 40, AT.plusSeconds(1)),
				new BatchSummary(3, "2000", false, "3000", 1000, 50, AT.plusSeconds(2)));
		BackfillReport report = new BackfillReport("orders", "RUNNING", 30, 3000, 7000, 20_000, 90, 3, 1000, "3000", 7L,
				AT, null, null, null, 3, 0, null, null, batches, null);
		String html = render(report);
		// the fastest batch: 1,000 rows in 40 ms, 25,000 rows/s; ticks every 10,000
		assertThat(html).contains(">rows/s</text>")
			.contains(">batch number (oldest to newest)</text>")
			.contains(">0</text>")
			.contains(">10,000</text>")
			.contains(">30,000</text>")
			.contains("<title>batch 2: 1,000 rows in 40 ms, 25,000 rows/s</title>")
			.containsPattern("text-anchor=\"middle\">3</text>");
	}

	@Test
	void historyListsEachExecutionWithItsOutcome() {
		BackfillReport report = new BackfillReport("orders", "COMPLETED", 100, 1000, 0, 10, 0, 2, 100, "1000", 8L, AT,
				AT.plusSeconds(200), null, null, 260, 0, null, null, List.of(), null);
		List<RunSummary> history = List.of(
				new RunSummary(8, 3, BackfillState.COMPLETED, AT.plusSeconds(100), AT.plusSeconds(200), 600, false,
						null),
				new RunSummary(7, 3, BackfillState.STOPPED, AT, AT.plusSeconds(60), 400, true, "interrupted"));
		String html = render(report, history, PAGE);
		assertThat(html)
			.contains("<td>8</td><td>11:01, 1 min ago</td><td>11:03</td><td>1 min 40 s</td>"
					+ "<td>COMPLETED</td><td class=\"number\">600</td>")
			.contains("<td title=\"interrupted\">STOPPED, rolled back</td><td class=\"number\">400</td>");
	}

	@Test
	void buttonsOnlyForAUserWhoMayActWithTheCsrfToken() {
		BackfillReport running = new BackfillReport("orders", "RUNNING", 10, 100, 900, 10, 90, 2, 100, "100", 7L, AT,
				null, null, null, 200, 0, null, null, List.of(), null);
		assertThat(render(running)).doesNotContain("<form");
		String html = render(running, List.of(), new PageContext(AT, BERLIN, "/ops/backfills",
				new PageContext.Buttons("_csrf", "token-1"), "Paused orders: its run holds."));
		assertThat(html)
			.contains("<form method=\"post\" action=\"/ops/backfills/orders/pause\">"
					+ "<input type=\"hidden\" name=\"_csrf\" value=\"token-1\">")
			.contains("action=\"/ops/backfills/orders/stop\"")
			.doesNotContain("/orders/resume")
			.contains("<p class=\"notice\" role=\"status\">Paused orders: its run holds.</p>")
			.contains("content=\"5; url=/ops/backfills\"");
	}

	@Test
	void runInPartitionsHasATableOfThemWithAProgressBarEach() {
		List<BackfillReport.PartitionSummary> partitions = List.of(
				new BackfillReport.PartitionSummary(1, "[start, 1000]", "COMPLETED", 4, 1000, 0, 100, "1000", 0,
						"host-1 pid 42"),
				new BackfillReport.PartitionSummary(2, "(1000, 2000]", "RUNNING", 2, 500, 500, 50, "1500", 1234.5,
						"host-2 pid 7"),
				new BackfillReport.PartitionSummary(3, "(2000, end]", "WAITING", 0, 0, 1000, 0, null, 0, null));
		BackfillReport report = new BackfillReport("orders", "RUNNING", 50, 1500, 1500, 1234.5, 2, 6, 250, null, 7L, AT,
				null, null, null, 200, 0, null, null, List.of(), partitions);
		String html = render(report);
		assertThat(html)
			.contains("<table class=\"partitions\"><caption>3 partitions (1 waiting, 1 running, 1 completed)</caption>")
			.contains("<th>#</th><th>Range</th><th>State</th><th>Rows done / total</th><th>Done</th>"
					+ "<th>Rows/s</th><th>Last key</th><th>Worker</th>")
			.contains("<td class=\"number\">1</td><td>[start, 1000]</td><td>COMPLETED</td>"
					+ "<td class=\"number\">1,000 / 1,000</td>")
			.contains("<td class=\"number\">500 / ~1,000</td><td><span class=\"partition-bar\" role=\"progressbar\" "
					+ "aria-valuenow=\"50.0\" aria-valuemin=\"0\" aria-valuemax=\"100\"><span style=\"width: 50.0%\">"
					+ "</span></span> 50.0%</td><td class=\"number\">1,235</td><td>1500</td><td>host-2 pid 7</td>")
			.contains("<td>(2000, end]</td><td>WAITING</td><td class=\"number\">0 / ~1,000</td>")
			.contains("0.0%</td><td class=\"number\">0</td><td>&ndash;</td><td>&ndash;</td></tr>");
		// the partitions come before the chart and the history
		assertThat(html.indexOf("class=\"partitions\"")).isLessThan(html.indexOf("No batch committed yet."));
	}

	@Test
	void partitionsAreEscaped() {
		BackfillReport report = new BackfillReport("orders", "RUNNING", 0, 0, 10, 0, 0, 0, 0, null, 7L, AT, null, null,
				null, 0, 0, null, null, List.of(), List.of(new BackfillReport.PartitionSummary(1, "[start, <b>]",
						"RUNNING", 0, 0, 10, 0, "<i>", 0, "<script>x</script>")));
		assertThat(render(report)).doesNotContain("[start, <b>]")
			.doesNotContain("<i>")
			.doesNotContain("<script>")
			.contains("[start, &lt;b&gt;]")
			.contains("&lt;script&gt;x&lt;/script&gt;");
	}

	@Test
	void runInOneWalkHasNoTableOfPartitions() {
		BackfillReport report = new BackfillReport("orders", "COMPLETED", 100, 1000, 0, 10, 0, 2, 100, "1000", 8L, AT,
				AT.plusSeconds(200), null, null, 260, 0, null, null, List.of(), null);
		assertThat(render(report)).doesNotContain("class=\"partitions\"").doesNotContain("partition-bar\"");
	}

}

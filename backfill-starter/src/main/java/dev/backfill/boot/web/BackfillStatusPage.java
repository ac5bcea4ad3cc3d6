package dev.backfill.boot.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

import dev.backfill.boot.report.BackfillReport;
import dev.backfill.boot.report.BackfillReports;
import dev.backfill.boot.report.Formats;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.HtmlUtils;

/**
 * The status page: every backfill with a progress bar, its state, rate and ETA, its
 * latest dry-run and verify, and a chart of its recent batch durations. Plain HTML built
 * on the server, refreshing itself every few seconds.
 *
 * @since 0.1.0
 */
public class BackfillStatusPage implements HandlerFunction<ServerResponse> {

	static final int REFRESH_SECONDS = 5;

	private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

	// the bar's fill is a colour used nowhere else on the page, so that a screenshot
	// finds it
	private static final String STYLE = """
			body { font: 14px/1.45 system-ui, sans-serif; color: #212529; margin: 24px 32px; }
			h1 { font-size: 20px; margin: 0 0 4px; }
			section { margin: 24px 0; }
			h2 { font-size: 16px; margin: 0 0 6px; }
			p { margin: 4px 0; }
			.state { font-size: 12px; font-weight: normal; border: 1px solid #adb5bd; padding: 0 6px; margin-left:
			8px; }
			.bar { width: 600px; height: 16px; background: #dee2e6; }
			.fill { height: 16px; background: #1971c2; }
			.muted { color: #6c757d; }
			""";

	private final BackfillReports reports;

	/**
	 * Creates the page.
	 * @param reports reads what the page shows
	 */
	public BackfillStatusPage(BackfillReports reports) {
		this.reports = reports;
	}

	@Override
	public ServerResponse handle(ServerRequest request) {
		return ServerResponse.ok()
			.contentType(HTML)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(render(this.reports.all(true), Instant.now()));
	}

	static String render(List<BackfillReport> reports, Instant now) {
		StringBuilder html = new StringBuilder(4096).append("""
				<!DOCTYPE html>
				<html lang="en"><head><meta charset="utf-8">
				<meta http-equiv="refresh" content="%d"><title>Backfills</title>
				<style>%s</style></head>
				<body><h1>Backfills</h1>
				<p class="muted">Updated %s; refreshes every %d s.</p>
				""".formatted(REFRESH_SECONDS, STYLE, escape(now.truncatedTo(ChronoUnit.SECONDS)), REFRESH_SECONDS));
		if (reports.isEmpty()) {
			html.append("<p>This application declares no backfill.</p>\n");
		}
		reports.forEach((report) -> section(html, report));
		return html.append("</body></html>\n").toString();
	}

	private static void section(StringBuilder html, BackfillReport r) {
		html.append("<section><h2>")
			.append(escape(r.name()))
			.append("<span class=\"state\">")
			.append(escape(r.state()))
			.append("</span></h2>\n");
		html.append("<div class=\"bar\" role=\"progressbar\" aria-valuenow=\"")
			.append(number("%.1f", r.percentDone()))
			.append("\" aria-valuemin=\"0\" aria-valuemax=\"100\"><div class=\"fill\" style=\"width: ")
			.append(number("%.1f", r.percentDone()))
			.append("%\"></div></div>\n");
		html.append("<p>")
			.append(number("%.1f", r.percentDone()))
			.append("% &middot; ")
			.append(number("%,d", r.rowsDone()))
			.append(" rows done, ~")
			.append(number("%,d", r.rowsRemainingEstimate()))
			.append(" to go &middot; ")
			.append(number("%,.0f", r.rowsPerSecond()))
			.append(" rows/s &middot; ETA ")
			.append(Formats.duration(Locale.ROOT, r.etaSeconds()))
			.append(" &middot; ")
			.append(number("%,d", r.batches()))
			.append(" batches</p>\n");
		if (r.owner() != null) {
			html.append("<p class=\"muted\">")
				.append(r.state().equals("RUNNING") || r.state().equals("PAUSED") ? "Running on " : "Last run on ")
				.append(escape(r.owner()))
				.append("</p>\n");
		}
		// a stopped run's exit message only says it was interrupted
		if (r.exitMessage() != null && (r.state().equals("FAILED") || r.state().equals("DEAD"))) {
			html.append("<p>").append(escape(r.exitMessage())).append("</p>\n");
		}
		html.append("<p>Last dry-run: ").append(dryRun(r.lastDryRun())).append("</p>\n");
		html.append("<p>Last verify: ").append(verify(r.lastVerify())).append("</p>\n");
		html.append(BatchChart.svg((r.recentBatches() != null) ? r.recentBatches() : List.of()));
		html.append("</section>\n");
	}

	private static String dryRun(BackfillReport.@Nullable DryRunSummary d) {
		if (d == null) {
			return "none";
		}
		String idempotent = (d.idempotent() == null) ? "idempotency not checked"
				: d.idempotent() ? "idempotent" : "NOT IDEMPOTENT";
		return escape(d.at().truncatedTo(ChronoUnit.SECONDS)) + ": ~"
				+ Formats.seconds(Locale.ROOT, d.estimatedSeconds()) + " ("
				+ Formats.seconds(Locale.ROOT, d.estimatedSecondsLow()) + " to "
				+ Formats.seconds(Locale.ROOT, d.estimatedSecondsHigh()) + ") at batch size "
				+ (d.adaptive() ? "~" : "") + number("%,d", d.batchSize()) + ", longest batch "
				+ number("%,d", d.maxBatchMillis()) + " ms, " + idempotent + ((d.estimateError() != null)
						? ", estimate " + number("%+.0f", 100 * d.estimateError()) + "% off the run" : "");
	}

	private static String verify(BackfillReport.@Nullable VerifySummary v) {
		if (v == null) {
			return "none";
		}
		return escape(v.at().truncatedTo(ChronoUnit.SECONDS)) + ": " + number("%,d", v.keysChecked())
				+ " keys checked, " + (v.passed() ? "no discrepancy" : number("%,d", v.discrepancies())
						+ " discrepancies, first keys " + escape(String.join(", ", v.firstKeys())));
	}

	// Locale.ROOT: a CSS width or an attribute must read 12.5, not 12,5
	static String number(String format, Object... values) {
		return String.format(Locale.ROOT, format, values);
	}

	static String escape(Object value) {
		return HtmlUtils.htmlEscape(String.valueOf(value), StandardCharsets.UTF_8.name());
	}

}

package dev.backfill.boot.web;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

import dev.backfill.boot.actuate.ActionAccess;
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
 * The status page: every backfill with a progress bar, its state, effective and working
 * rates, ETA and times, its latest dry-run and verify, for a run split into partitions a
 * table of them, a chart of its recent batches' rates, the latest executions of its runs,
 * and, for a user who may act, pause, resume and stop buttons. Plain HTML and SVG built
 * on the server, refreshing itself every few seconds; times are written in the server's
 * zone.
 *
 * @since 0.1.0
 */
public class BackfillStatusPage implements HandlerFunction<ServerResponse> {

	static final int REFRESH_SECONDS = 5;

	/** Executions of a backfill's runs the page lists. */
	static final int HISTORY = 10;

	private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

	// each backfill's section, in order: a new part is one more entry
	private static final List<Section> SECTIONS = List.of(new Summary(), new ActionButtons(), new SchemaTable(),
			new PartitionTable(), new BatchChart(), new RunHistory());

	// the bar's fill and track are colours used nowhere else on the page (the
	// partitions' small bars have their own), so that a screenshot finds them
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
			.notice { background: #fff3bf; border: 1px solid #fab005; padding: 4px 8px; display: inline-block; }
			.actions form { display: inline; margin-right: 6px; }
			.chart { display: block; margin: 8px 0 2px; }
			.history, .partitions { border-collapse: collapse; margin-top: 8px; }
			.history caption, .partitions caption { text-align: left; color: #6c757d; }
			.history th, .history td, .partitions th, .partitions td { border-bottom: 1px solid #ced4da;
			padding: 2px 10px 2px 0; text-align: left; }
			.history td.number, .partitions td.number { text-align: right; }
			.partition-bar { display: inline-block; width: 80px; height: 8px; background: #e9ecef;
			vertical-align: middle; }
			.partition-bar span { display: block; height: 8px; background: #4dabf7; }
			""";

	private final BackfillReports reports;

	private final @Nullable ActionAccess access;

	private final Clock clock;

	/**
	 * Creates the page, without buttons.
	 * @param reports reads what the page shows
	 */
	public BackfillStatusPage(BackfillReports reports) {
		this(reports, null, Clock.systemDefaultZone());
	}

	/**
	 * Creates the page.
	 * @param reports reads what the page shows
	 * @param access who sees the buttons, as who may take their actions; {@code null} for
	 * no buttons
	 * @param clock the time, and the zone the page writes times in
	 * @since 0.2.0
	 */
	public BackfillStatusPage(BackfillReports reports, @Nullable ActionAccess access, Clock clock) {
		this.reports = reports;
		this.access = access;
		this.clock = clock;
	}

	@Override
	public ServerResponse handle(ServerRequest request) {
		boolean mayAct = this.access != null
				&& this.access.mayActOnStatusPage(request.principal().orElse(null), PageActions.NO_CONTAINER_ROLES);
		List<BackfillView> backfills = this.reports.all(true)
			.stream()
			.map((report) -> new BackfillView(report, this.reports.history(report.name(), HISTORY)))
			.toList();
		String notice = request.param("backfill")
			.filter((name) -> backfills.stream().anyMatch((b) -> b.name().equals(name)))
			.map((name) -> PageAction.notice(request.param("notice").orElse(null), name))
			.orElse(null);
		PageContext page = new PageContext(this.clock.instant(), this.clock.getZone(),
				request.requestPath().contextPath().value() + request.path(),
				mayAct ? CsrfField.buttons(request) : null, notice);
		return ServerResponse.ok()
			.contentType(HTML)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(render(backfills, page));
	}

	static String render(List<BackfillView> backfills, PageContext page) {
		// a notice shows once: the refresh goes to the page without it
		String refresh = (page.notice() != null) ? REFRESH_SECONDS + "; url=" + page.pagePath()
				: String.valueOf(REFRESH_SECONDS);
		StringBuilder html = new StringBuilder(8192).append("""
				<!DOCTYPE html>
				<html lang="en"><head><meta charset="utf-8">
				<meta http-equiv="refresh" content="%s"><title>Backfills</title>
				<style>%s</style></head>
				<body><h1>Backfills</h1>
				<p class="muted">Updated %s; times in %s; refreshes every %d s.</p>
				""".formatted(escape(refresh), STYLE, Formats.clock(Locale.ROOT, page.now(), page.now(), page.zone()),
				escape(zone(page.zone(), page.now())), REFRESH_SECONDS));
		if (page.notice() != null) {
			html.append("<p class=\"notice\" role=\"status\">").append(escape(page.notice())).append("</p>\n");
		}
		if (backfills.isEmpty()) {
			html.append("<p>This application declares no backfill.</p>\n");
		}
		for (BackfillView backfill : backfills) {
			html.append("<section><h2>")
				.append(escape(backfill.name()))
				.append("<span class=\"state\">")
				.append(escape(backfill.report().state()))
				.append("</span></h2>\n");
			SECTIONS.forEach((section) -> section.render(html, backfill, page));
			html.append("</section>\n");
		}
		return html.append("</body></html>\n").toString();
	}

	// Europe/Berlin (UTC+01:00)
	private static String zone(ZoneId zone, Instant now) {
		String offset = zone.getRules().getOffset(now).getId();
		String utc = "Z".equals(offset) ? "UTC" : "UTC" + offset;
		String id = zone.getId();
		return (id.equals("Z") || id.equals("UTC") || id.equals(utc)) ? utc : id + " (" + utc + ")";
	}

	// Locale.ROOT: a CSS width or an attribute must read 12.5, not 12,5
	static String number(String format, Object... values) {
		return String.format(Locale.ROOT, format, values);
	}

	static String escape(@Nullable Object value) {
		return HtmlUtils.htmlEscape(String.valueOf(value), StandardCharsets.UTF_8.name());
	}

}

package dev.backfill.boot.web;

import java.util.List;

import dev.backfill.boot.report.BackfillReport;
import org.springframework.web.util.UriUtils;

import static dev.backfill.boot.web.BackfillStatusPage.escape;

/**
 * The pause, resume and stop buttons of a backfill, for a user who may act: each a form
 * that posts to {@code PAGE/NAME/ACTION} with Spring Security's CSRF token when one
 * protects the request.
 */
final class ActionButtons implements Section {

	@Override
	public void render(StringBuilder html, BackfillView backfill, PageContext page) {
		PageContext.Buttons buttons = page.buttons();
		if (buttons == null) {
			return;
		}
		String base = page.pagePath() + "/" + UriUtils.encodePathSegment(backfill.name(), "UTF-8") + "/";
		html.append("<div class=\"actions\">");
		for (PageAction action : offered(backfill.report())) {
			html.append("<form method=\"post\" action=\"").append(escape(base + action.word())).append("\">");
			if (buttons.csrfParameter() != null) {
				html.append("<input type=\"hidden\" name=\"")
					.append(escape(buttons.csrfParameter()))
					.append("\" value=\"")
					.append(escape(buttons.csrfToken()))
					.append("\">");
			}
			html.append("<button type=\"submit\" name=\"action\" value=\"")
				.append(action.word())
				.append("\">")
				.append(action.label())
				.append("</button></form>");
		}
		html.append("</div>\n");
	}

	// a run that is not going on may still be paused ahead of its start, or have a pause
	// left to clear: the report does not tell, so both are offered
	private static List<PageAction> offered(BackfillReport report) {
		return switch (report.state()) {
			case "RUNNING" -> List.of(PageAction.PAUSE, PageAction.STOP);
			case "PAUSED" -> List.of(PageAction.RESUME, PageAction.STOP);
			default -> List.of(PageAction.PAUSE, PageAction.RESUME);
		};
	}

}

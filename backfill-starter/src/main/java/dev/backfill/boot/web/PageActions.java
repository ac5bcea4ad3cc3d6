package dev.backfill.boot.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

import dev.backfill.BackfillOperator;
import dev.backfill.NoSuchBackfillException;
import dev.backfill.boot.actuate.ActionAccess;
import dev.backfill.boot.actuate.ActionsRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The status page's buttons: {@code POST PAGE/NAME/ACTION} pauses, resumes or stops a
 * backfill, for a user {@link ActionAccess#onStatusPage} lets act, then redirects back to
 * the page with a notice (POST-redirect-GET). With Spring Security its filter has checked
 * the CSRF token before; where no CSRF token protects the request, a post that the
 * browser says comes from another origin is refused.
 */
final class PageActions implements HandlerFunction<ServerResponse> {

	/**
	 * The roles the page asks the servlet container about: none. The user's roles are
	 * Spring Security's authorities; without Spring Security, a user the container
	 * authenticated has no role here, and may act only as a request without a user may.
	 */
	static final Predicate<String> NO_CONTAINER_ROLES = (role) -> false;

	private static final Logger logger = LoggerFactory.getLogger(PageActions.class);

	private static final MediaType TEXT = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

	private final BackfillOperator operator;

	private final ActionAccess access;

	private final String pagePath;

	PageActions(BackfillOperator operator, ActionAccess access, String pagePath) {
		this.operator = operator;
		this.access = access;
		this.pagePath = pagePath;
	}

	@Override
	public ServerResponse handle(ServerRequest request) {
		String name = request.pathVariable("name");
		PageAction action = PageAction.of(request.pathVariable("action"));
		if (action == null || this.operator.backfills().stream().noneMatch((b) -> b.name().equals(name))) {
			return refused(HttpStatus.NOT_FOUND, "No such backfill or action: " + name + "/"
					+ request.pathVariable("action") + ". The status page's actions are pause, resume and stop.");
		}
		if (!CsrfField.checked(request) && !sameOrigin(request)) {
			logger.warn("Action refused: a form post from another origin ({}) to {} backfill '{}' on the status page",
					request.headers().firstHeader("Origin"), action.word(), name);
			return refused(HttpStatus.FORBIDDEN, "Refused: this form post comes from another origin than the page's.");
		}
		String by;
		try {
			by = this.access.onStatusPage(request.principal().orElse(null), NO_CONTAINER_ROLES, name, action.word());
		}
		catch (ActionsRefusedException ex) {
			return refused(HttpStatus.FORBIDDEN, ex.getMessage());
		}
		String notice;
		try {
			logger.info("Backfill '{}': {} asked by {}", name, action.word(), by);
			notice = action.perform(this.operator, name, by);
		}
		catch (NoSuchBackfillException ex) {
			return refused(HttpStatus.NOT_FOUND, ex.getMessage());
		}
		URI page = UriComponentsBuilder.fromPath(request.requestPath().contextPath().value() + this.pagePath)
			.queryParam("backfill", "{name}")
			.queryParam("notice", notice)
			.encode()
			.buildAndExpand(name)
			.toUri();
		return ServerResponse.seeOther(page).build();
	}

	// without a CSRF token, the browser's own word on where the post comes from: it sends
	// Sec-Fetch-Site or Origin with every form post, and a page elsewhere cannot forge
	// them; a client that sends neither is no browser another site drives
	static boolean sameOrigin(ServerRequest request) {
		String site = request.headers().firstHeader("Sec-Fetch-Site");
		if (site != null) {
			return site.equals("same-origin");
		}
		String origin = request.headers().firstHeader("Origin");
		if (origin == null) {
			return true;
		}
		URI uri = request.uri();
		String own = UriComponentsBuilder.newInstance()
			.scheme(uri.getScheme())
			.host(uri.getHost())
			.port(uri.getPort())
			.build()
			.toUriString();
		return origin.equalsIgnoreCase(own);
	}

	private static ServerResponse refused(HttpStatus status, String message) {
		return ServerResponse.status(status).contentType(TEXT).body(message + "\n");
	}

}

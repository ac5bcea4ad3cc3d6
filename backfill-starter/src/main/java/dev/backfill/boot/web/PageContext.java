package dev.backfill.boot.web;

import java.time.Instant;
import java.time.ZoneId;

import org.jspecify.annotations.Nullable;

/**
 * What one request of the status page draws with besides the backfills: the time and zone
 * its times are written in, the buttons its user may press, and the notice of the action
 * that redirected to it.
 *
 * @param now the time of the request
 * @param zone the server's zone, in which times are written
 * @param pagePath the page's path, with the context path: where its refresh and forms go
 * @param buttons the action forms, or {@code null} when the user may not act
 * @param notice what the action before this request did, or {@code null}
 */
record PageContext(Instant now, ZoneId zone, String pagePath, @Nullable Buttons buttons, @Nullable String notice) {

	/**
	 * The action forms a user who may act sees.
	 *
	 * @param csrfParameter the name of Spring Security's CSRF token parameter, or
	 * {@code null} when no CSRF token protects the request
	 * @param csrfToken the token
	 */
	record Buttons(@Nullable String csrfParameter, @Nullable String csrfToken) {

		static final Buttons WITHOUT_TOKEN = new Buttons(null, null);

	}

}

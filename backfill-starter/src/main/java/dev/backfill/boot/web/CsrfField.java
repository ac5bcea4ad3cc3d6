package dev.backfill.boot.web;

import org.jspecify.annotations.Nullable;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * Spring Security's CSRF token of a request, as its {@code CsrfFilter} leaves it in the
 * request's attributes, for the page's forms.
 */
final class CsrfField {

	private static final boolean SPRING_SECURITY = ClassUtils
		.isPresent("org.springframework.security.web.csrf.CsrfToken", CsrfField.class.getClassLoader());

	private static final String ATTRIBUTE = "org.springframework.security.web.csrf.CsrfToken";

	private CsrfField() {
	}

	/**
	 * @param request a request
	 * @return whether Spring Security's CSRF filter ran on it: on a post, it has then
	 * refused a missing or wrong token before the page saw the request
	 */
	static boolean checked(ServerRequest request) {
		return SPRING_SECURITY && request.attribute(ATTRIBUTE).isPresent();
	}

	/**
	 * @param request a request
	 * @return the forms' buttons, with the request's CSRF token when one protects it
	 */
	static PageContext.Buttons buttons(ServerRequest request) {
		PageContext.Buttons buttons = SPRING_SECURITY ? Security.buttons(request.attribute(ATTRIBUTE).orElse(null))
				: null;
		return (buttons != null) ? buttons : PageContext.Buttons.WITHOUT_TOKEN;
	}

	// loaded only when Spring Security is on the classpath
	private static final class Security {

		static PageContext.@Nullable Buttons buttons(@Nullable Object attribute) {
			return (attribute instanceof CsrfToken token)
					? new PageContext.Buttons(token.getParameterName(), token.getToken()) : null;
		}

	}

}

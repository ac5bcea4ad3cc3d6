package dev.backfill.boot.actuate;

import java.security.Principal;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may take actions through the {@code backfills} endpoint and the status page's
 * buttons, checked by the endpoint and the page themselves whatever filter chain ran: a
 * user with the role {@code backfill.web.role}, over HTTP and JMX; a caller nobody
 * authenticated only where {@code backfill.web.allow-unsecured-actions} (HTTP, the page
 * too) or {@code backfill.web.allow-unauthenticated-jmx-actions} (JMX) allows it. Needs
 * no Actuator: the page uses it without one.
 *
 * @since 0.1.0
 */
public final class ActionAccess {

	private static final Logger logger = LoggerFactory.getLogger(ActionAccess.class);

	private final String role;

	private final boolean unsecuredHttp;

	private final boolean unauthenticatedJmx;

	private final boolean filterChain;

	/**
	 * Creates the check.
	 * @param role the role actions need, without Spring Security's {@code ROLE_} prefix
	 * @param allowUnsecuredActions whether HTTP requests without an authenticated user
	 * may act
	 * @param allowUnauthenticatedJmxActions whether JMX operations without an
	 * authenticated user may act
	 * @param filterChain whether the library's Spring Security filter chain protects the
	 * endpoint, for the messages
	 */
	public ActionAccess(String role, boolean allowUnsecuredActions, boolean allowUnauthenticatedJmxActions,
			boolean filterChain) {
		this.role = role;
		this.unsecuredHttp = allowUnsecuredActions;
		this.unauthenticatedJmx = allowUnauthenticatedJmxActions;
		this.filterChain = filterChain;
	}

	/**
	 * Checks an action asked over HTTP of the endpoint.
	 * @param user the request's user, or {@code null} when it has none
	 * @param isUserInRole whether the request's user holds a role, as
	 * {@code HttpServletRequest.isUserInRole} answers it
	 * @param name the backfill name
	 * @param action the action's name, or {@code null} when none was given
	 * @return who asks, for the logs and the pause flag
	 * @throws ActionsRefusedException when the request's user lacks the role, or it has
	 * none and unsecured actions are not allowed
	 */
	public String overHttp(@Nullable Principal user, Predicate<String> isUserInRole, String name,
			@Nullable String action) {
		return http(user, isUserInRole, name, action, "the backfills endpoint", "through the backfills endpoint",
				"through the endpoint");
	}

	/**
	 * Checks an action asked by a button of the status page: the same rule as over HTTP
	 * of the endpoint ({@link #overHttp}).
	 * @param user the request's user, or {@code null} when it has none
	 * @param isUserInRole whether the request's user holds a role
	 * @param name the backfill name
	 * @param action the action's name
	 * @return who asks, for the logs and the pause flag
	 * @throws ActionsRefusedException when the request's user lacks the role, or it has
	 * none and unsecured actions are not allowed
	 * @since 0.2.0
	 */
	public String onStatusPage(@Nullable Principal user, Predicate<String> isUserInRole, String name, String action) {
		return http(user, isUserInRole, name, action, "the status page", "on the status page", "on the status page");
	}

	/**
	 * Whether the status page shows a request's user its buttons: whether
	 * {@link #onStatusPage} would let them act. Logs nothing.
	 * @param user the request's user, or {@code null} when it has none
	 * @param isUserInRole whether the request's user holds a role
	 * @return whether they may act
	 * @since 0.2.0
	 */
	public boolean mayActOnStatusPage(@Nullable Principal user, Predicate<String> isUserInRole) {
		Caller caller = Caller.of(user, isUserInRole, this.role);
		return (caller != null) ? caller.hasRole() : this.unsecuredHttp;
	}

	private String http(@Nullable Principal user, Predicate<String> isUserInRole, String name, @Nullable String action,
			String what, String where, String through) {
		Caller caller = Caller.of(user, isUserInRole, this.role);
		if (caller != null) {
			return permitted(caller, name, action, "") + " " + where;
		}
		if (this.unsecuredHttp) {
			return what;
		}
		if (!this.filterChain) {
			throw refused("Actions on backfills " + through + " need Spring Security, which then "
					+ "asks for the role " + this.role + " (backfill.web.role); or set "
					+ "backfill.web.allow-unsecured-actions=true where only trusted callers reach it.");
		}
		throw refused("A request without an authenticated user may not " + verb(action) + " backfill '" + name
				+ "': actions on backfills need a user with the role " + this.role + " (backfill.web.role). "
				+ "Authenticate the requests of " + what + ", or set backfill.web.allow-unsecured-actions=true "
				+ "where only trusted callers reach it.");
	}

	/**
	 * Checks an action asked over JMX, where Actuator passes no user: the user is Spring
	 * Security's current authentication, or an {@code Authentication} among the
	 * principals of the Subject the JMX connector authenticated.
	 * @param user the user Actuator passes, {@code null} over JMX
	 * @param isUserInRole whether that user holds a role
	 * @param name the backfill name
	 * @param action the action's name, or {@code null} when none was given
	 * @return who asks, for the logs and the pause flag
	 * @throws ActionsRefusedException when the user lacks the role, or there is none and
	 * unauthenticated JMX actions are not allowed
	 */
	public String overJmx(@Nullable Principal user, Predicate<String> isUserInRole, String name,
			@Nullable String action) {
		Caller caller = Caller.of(user, isUserInRole, this.role);
		if (caller != null) {
			return permitted(caller, name, action, " over JMX") + " over JMX";
		}
		if (this.unauthenticatedJmx) {
			String subject = Caller.subjectName();
			return (subject != null) ? subject + " over JMX" : "the backfills endpoint over JMX";
		}
		throw refused("Backfill '" + name + "': " + verb(action) + " over JMX refused: Actuator passes "
				+ "JMX operations no user, and actions on backfills need one with the role " + this.role
				+ " (backfill.web.role). Have the JMX connector's JMXAuthenticator put the user's Spring Security "
				+ "Authentication among the Subject's principals, or set "
				+ "backfill.web.allow-unauthenticated-jmx-actions=true where the JMX connector itself admits only "
				+ "operators.");
	}

	private String permitted(Caller caller, String name, @Nullable String action, String over) {
		if (!caller.hasRole()) {
			throw refused("User '" + caller.name() + "' may not " + verb(action) + " backfill '" + name + "'" + over
					+ ": actions on backfills need the role " + this.role + " (backfill.web.role). "
					+ "Grant the user that role, or set backfill.web.role to the role your operators have.");
		}
		return caller.name();
	}

	// the answer goes to the caller alone: the log keeps who was refused what
	private static ActionsRefusedException refused(String message) {
		logger.warn("Action refused: {}", message);
		return new ActionsRefusedException(message);
	}

	private static String verb(@Nullable String action) {
		return (action != null) ? action : "act on";
	}

}

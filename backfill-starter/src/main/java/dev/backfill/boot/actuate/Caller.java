package dev.backfill.boot.actuate;

import java.security.Principal;
import java.util.Set;
import java.util.function.Predicate;

import javax.security.auth.Subject;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;

/**
 * Who asks for an action on a backfill, as far as the endpoint can tell, and whether they
 * hold the role.
 *
 * @param name the user's name
 * @param hasRole whether the user holds the role actions need
 */
record Caller(String name, boolean hasRole) {

	private static final boolean SPRING_SECURITY = ClassUtils
		.isPresent("org.springframework.security.core.context.SecurityContextHolder", Caller.class.getClassLoader());

	/**
	 * Finds the user: the one Actuator passes (over HTTP the request's, whose roles
	 * Spring Security answers from its authorities), else Spring Security's current
	 * authentication, else one among the principals of the Subject a JMX connector
	 * authenticated and runs the operation as.
	 * @param principal the user Actuator or the request passes; {@code null} over JMX
	 * @param isUserInRole whether that user holds a role
	 * @param role the role, without Spring Security's {@code ROLE_} prefix
	 * @return the user, or {@code null} when nobody authenticated the caller
	 */
	static @Nullable Caller of(@Nullable Principal principal, Predicate<String> isUserInRole, String role) {
		if (principal != null) {
			return new Caller(principal.getName(),
					isUserInRole.test(role) || (SPRING_SECURITY && SpringSecurity.hasRole(principal, role)));
		}
		if (!SPRING_SECURITY) {
			return null;
		}
		Caller current = SpringSecurity.current(role);
		Subject subject = subject();
		return (current != null || subject == null) ? current : SpringSecurity.among(subject.getPrincipals(), role);
	}

	/**
	 * @return the name of the first principal of the Subject a JMX connector
	 * authenticated, or {@code null}
	 */
	static @Nullable String subjectName() {
		Subject subject = subject();
		return (subject != null) ? subject.getPrincipals().stream().map(Principal::getName).findFirst().orElse(null)
				: null;
	}

	// a JMX connector that authenticates runs each operation as its Subject:
	// Subject.current() from Java 18 on, the access control context's before
	private static @Nullable Subject subject() {
		try {
			return (Subject) Subject.class.getMethod("current").invoke(null);
		}
		catch (NoSuchMethodException ex) {
			return accessControlSubject();
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

	@SuppressWarnings("removal")
	private static @Nullable Subject accessControlSubject() {
		return Subject.getSubject(java.security.AccessController.getContext());
	}

	// loaded only when Spring Security is on the classpath
	private static final class SpringSecurity {

		static @Nullable Caller current(String role) {
			return of(SecurityContextHolder.getContext().getAuthentication(), role);
		}

		static @Nullable Caller among(Set<Principal> principals, String role) {
			for (Principal principal : principals) {
				Caller caller = (principal instanceof Authentication authentication) ? of(authentication, role) : null;
				if (caller != null) {
					return caller;
				}
			}
			return null;
		}

		static boolean hasRole(Principal principal, String role) {
			if (principal instanceof Authentication authentication) {
				Caller caller = of(authentication, role);
				return caller != null && caller.hasRole();
			}
			return false;
		}

		private static @Nullable Caller of(@Nullable Authentication authentication, String role) {
			if (authentication == null || !authentication.isAuthenticated()
					|| authentication instanceof AnonymousAuthenticationToken) {
				return null;
			}
			// as hasRole and HttpServletRequest.isUserInRole ask it
			String authority = role.startsWith("ROLE_") ? role : "ROLE_" + role;
			return new Caller(authentication.getName(),
					authentication.getAuthorities()
						.stream()
						.map(GrantedAuthority::getAuthority)
						.anyMatch(authority::equals));
		}

	}

}

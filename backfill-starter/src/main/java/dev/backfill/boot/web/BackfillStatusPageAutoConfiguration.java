package dev.backfill.boot.web;

import java.time.Clock;

import dev.backfill.BackfillOperator;
import dev.backfill.InvalidBackfillException;
import dev.backfill.boot.actuate.ActionAccess;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.autoconfigure.BackfillProperties;
import dev.backfill.boot.report.BackfillReports;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * Auto-configures the status page at {@code backfill.web.path} in a servlet web
 * application with Spring MVC, when {@code backfill.web.enabled=true}, with its buttons'
 * posts under it. With Spring Security, reading it needs an authenticated user, and a
 * button's post the role {@code backfill.web.role} and the CSRF token; without it, the
 * buttons follow the endpoint's rule ({@link ActionAccess}).
 *
 * @since 0.1.0
 */
// after Boot's security, so that its default filter chain is in place before ours joins
// it
@AutoConfiguration(after = BackfillAutoConfiguration.class,
		afterName = "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBooleanProperty("backfill.web.enabled")
@ConditionalOnBean(BackfillOperator.class)
public final class BackfillStatusPageAutoConfiguration {

	/**
	 * Name of the filter chain that protects the page; a bean of this name replaces it.
	 */
	public static final String SECURITY_FILTER_CHAIN = "backfillStatusPageSecurityFilterChain";

	@Bean
	@ConditionalOnMissingBean
	BackfillStatusPage backfillStatusPage(BackfillOperator operator, BackfillProperties properties,
			ListableBeanFactory beans) {
		return new BackfillStatusPage(new BackfillReports(operator), access(properties, beans),
				Clock.systemDefaultZone());
	}

	@Bean
	RouterFunction<ServerResponse> backfillStatusPageRoute(BackfillStatusPage page, BackfillOperator operator,
			BackfillProperties properties, ListableBeanFactory beans) {
		String path = properties.getWeb().getPath();
		return RouterFunctions.route()
			.GET(path, page)
			.POST(path + "/{name}/{action}", new PageActions(operator, access(properties, beans), path))
			.build();
	}

	// the endpoint's rule for HTTP: the role, or no user where unsecured actions are
	// allowed
	private static ActionAccess access(BackfillProperties properties, ListableBeanFactory beans) {
		BackfillProperties.Web web = properties.getWeb();
		return new ActionAccess(web.getRole(), web.isAllowUnsecuredActions(), false,
				beans.containsBeanDefinition(SECURITY_FILTER_CHAIN));
	}

	// Actuator's handler mapping comes before the page's route: a page on or under the
	// endpoint's path, or on Actuator's base path, would never be served
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ PathMappedEndpoints.class, ManagementPortType.class })
	static class EndpointPathCheck {

		@Bean
		SmartInitializingSingleton backfillStatusPagePathCheck(ObjectProvider<PathMappedEndpoints> endpoints,
				BackfillProperties properties, Environment environment) {
			return () -> {
				PathMappedEndpoints mapped = endpoints.getIfAvailable();
				String endpoint = (mapped != null) ? mapped.getPath(EndpointId.of("backfills")) : null;
				if (endpoint == null || ManagementPortType.get(environment) != ManagementPortType.SAME) {
					return;
				}
				String path = properties.getWeb().getPath();
				String page = trimmed(path);
				String base = trimmed(mapped.getBasePath());
				if (page.equals(endpoint) || page.startsWith(endpoint + "/")
						|| (!base.isEmpty() && page.equals(base))) {
					throw new InvalidBackfillException("The status page's path " + path + " (backfill.web.path) is "
							+ "taken by Actuator, which serves the backfills endpoint at " + endpoint + ". Set "
							+ "backfill.web.path to another path, such as /backfills-status.");
				}
			};
		}

		private static String trimmed(String path) {
			return (path.length() > 1 && path.endsWith("/")) ? path.substring(0, path.length() - 1) : path;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ SecurityFilterChain.class, SecurityFilterProperties.class })
	@ConditionalOnBean(HttpSecurity.class)
	static class PageSecurity {

		// before Boot's default chain, as the endpoint's
		@Bean(SECURITY_FILTER_CHAIN)
		@Order(SecurityFilterProperties.BASIC_AUTH_ORDER - 10)
		@ConditionalOnMissingBean(name = SECURITY_FILTER_CHAIN)
		SecurityFilterChain backfillStatusPageSecurityFilterChain(HttpSecurity http, BackfillProperties properties,
				ObjectProvider<PathPatternRequestMatcher.Builder> paths) {
			// only the page and its buttons' posts: every other request goes on to the
			// application's own chains
			PathPatternRequestMatcher.Builder path = paths.getIfAvailable(PathPatternRequestMatcher::withDefaults);
			String page = properties.getWeb().getPath();
			http.securityMatcher(new OrRequestMatcher(path.matcher(page), path.matcher(page + "/**")));
			// the page checks the role itself too, as the endpoint does; CSRF stays on:
			// the buttons are forms, which a page elsewhere could post
			http.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.POST)
				.hasRole(properties.getWeb().getRole())
				.anyRequest()
				.authenticated());
			http.httpBasic(withDefaults());
			return http.build();
		}

	}

}

package dev.backfill.boot.web;

import javax.sql.DataSource;

import dev.backfill.BackfillOperator;
import dev.backfill.InvalidBackfillException;
import dev.backfill.boot.actuate.BackfillReports;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.autoconfigure.BackfillProperties;
import dev.backfill.jdbc.JdbcBatchLog;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * Auto-configures the status page at {@code backfill.web.path} in a servlet web application with Spring MVC, when
 * {@code backfill.web.enabled=true}. With Spring Security, reading it needs an authenticated user.
 *
 * @since 0.1.0
 */
// after Boot's security, so that its default filter chain is in place before ours joins it
@AutoConfiguration(after = BackfillAutoConfiguration.class,
		afterName = "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBooleanProperty("backfill.web.enabled")
@ConditionalOnBean(BackfillOperator.class)
public final class BackfillStatusPageAutoConfiguration {

	// the bean that maps the endpoint over HTTP, when it is exposed there (BackfillEndpointAutoConfiguration)
	private static final String ENDPOINT_WEB_EXTENSION = "backfillsEndpointWebExtension";

	private static final String BASE_PATH = "management.endpoints.web.base-path";

	/** Name of the filter chain that protects the page; a bean of this name replaces it. */
	public static final String SECURITY_FILTER_CHAIN = "backfillStatusPageSecurityFilterChain";

	@Bean
	@ConditionalOnMissingBean
	BackfillStatusPage backfillStatusPage(BackfillOperator operator, DataSource dataSource,
			BackfillProperties properties) {
		JdbcBatchLog log = new JdbcBatchLog(JdbcClient.create(dataSource), properties.getJdbc().getTablePrefix());
		return new BackfillStatusPage(new BackfillReports(operator, log));
	}

	@Bean
	RouterFunction<ServerResponse> backfillStatusPageRoute(BackfillStatusPage page, BackfillProperties properties,
			ListableBeanFactory beans, Environment environment) {
		String path = properties.getWeb().getPath();
		if (beans.containsBeanDefinition(ENDPOINT_WEB_EXTENSION) && samePort(environment)
				&& trimmed(path).equals(endpointPath(environment))) {
			// whichever is mapped first would hide the other
			throw new InvalidBackfillException("The status page's path " + path + " (backfill.web.path) is also the "
					+ "path of the backfills endpoint, under management.endpoints.web.base-path '"
					+ environment.getProperty(BASE_PATH, "/actuator") + "'. Set backfill.web.path to another path, "
					+ "such as /backfills-status.");
		}
		return RouterFunctions.route().GET(path, page).build();
	}

	private static boolean samePort(Environment environment) {
		String management = environment.getProperty("management.server.port");
		return management == null || management.equals(environment.getProperty("server.port", "8080"));
	}

	private static String endpointPath(Environment environment) {
		String base = trimmed(environment.getProperty(BASE_PATH, "/actuator"));
		String mapping = environment.getProperty("management.endpoints.web.path-mapping.backfills", "backfills");
		return trimmed((base.endsWith("/") ? base : base + "/")
				+ (mapping.startsWith("/") ? mapping.substring(1) : mapping));
	}

	private static String trimmed(String path) {
		return (path.length() > 1 && path.endsWith("/")) ? path.substring(0, path.length() - 1) : path;
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
			// only the page: every other request goes on to the application's own chains
			http.securityMatcher(paths.getIfAvailable(PathPatternRequestMatcher::withDefaults)
				.matcher(properties.getWeb().getPath()));
			http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
			http.httpBasic(withDefaults());
			return http.build();
		}

	}

}

package dev.backfill.boot.actuate;

import dev.backfill.BackfillOperator;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.autoconfigure.BackfillProperties;
import dev.backfill.boot.report.BackfillReports;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.ClassUtils;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * Auto-configures the {@code backfills} Actuator endpoint when Actuator is on the
 * classpath and the endpoint is available; HTTP serves it only when
 * {@code management.endpoints.web.exposure.include} names it. Acting on a backfill needs
 * the role {@code backfill.web.role}, which the endpoint checks itself
 * ({@link ActionAccess}); with Spring Security its own filter chain also asks for that
 * role, and for an authenticated user to read it.
 *
 * @since 0.1.0
 */
// after Boot's security, so that its default filter chain is in place before ours joins
// it
@AutoConfiguration(after = BackfillAutoConfiguration.class, afterName = {
		"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(BackfillOperator.class)
@ConditionalOnAvailableEndpoint(BackfillsEndpoint.class)
public final class BackfillEndpointAutoConfiguration {

	/**
	 * Name of the filter chain that protects the endpoint; a bean of this name replaces
	 * it.
	 */
	public static final String SECURITY_FILTER_CHAIN = "backfillsEndpointSecurityFilterChain";

	/**
	 * Order of the filter chains of the endpoint and the status page: before Boot's
	 * default chain.
	 */
	public static final int SECURITY_ORDER = SecurityFilterProperties.BASIC_AUTH_ORDER - 10;

	@Bean
	@ConditionalOnMissingBean
	BackfillsEndpoint backfillsEndpoint(BackfillOperator operator, BackfillProperties properties,
			ListableBeanFactory beans) {
		// a rollback through an endpoint anyone can reach is one request away from
		// undoing production data, and an application's own chain may let every user
		// reach it: the endpoint checks the role itself
		BackfillProperties.Web web = properties.getWeb();
		ActionAccess access = new ActionAccess(web.getRole(), web.isAllowUnsecuredActions(),
				web.isAllowUnauthenticatedJmxActions(), beans.containsBeanDefinition(SECURITY_FILTER_CHAIN));
		return new BackfillsEndpoint(new BackfillReports(operator),
				new BackfillActions(operator, () -> properties.getDryRun().toOptions()), access);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(BackfillsEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	BackfillsEndpointWebExtension backfillsEndpointWebExtension(BackfillsEndpoint endpoint) {
		return new BackfillsEndpointWebExtension(endpoint);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ SecurityFilterChain.class, EndpointRequest.class })
	@ConditionalOnBean(HttpSecurity.class)
	static class EndpointSecurity {

		@Bean(SECURITY_FILTER_CHAIN)
		@Order(SECURITY_ORDER)
		@ConditionalOnMissingBean(name = SECURITY_FILTER_CHAIN)
		SecurityFilterChain backfillsEndpointSecurityFilterChain(HttpSecurity http, BackfillProperties properties) {
			// only this endpoint: every other request goes on to the application's own
			// chains
			http.securityMatcher(EndpointRequest.to(BackfillsEndpoint.class));
			http.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.POST)
				.hasRole(properties.getWeb().getRole())
				.anyRequest()
				.authenticated());
			http.httpBasic(withDefaults());
			// scripts with credentials, no session; a cross-site form cannot send the
			// JSON body an action needs
			http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
			http.csrf((csrf) -> csrf.disable());
			if (ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", null)) {
				// lets management.endpoints.web.cors.* answer preflight requests, as
				// Boot's Actuator chain does
				http.cors(withDefaults());
			}
			return http.build();
		}

	}

}

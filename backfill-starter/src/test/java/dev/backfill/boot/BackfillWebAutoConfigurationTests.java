package dev.backfill.boot;

import javax.sql.DataSource;

import dev.backfill.InvalidBackfillException;
import dev.backfill.boot.actuate.BackfillEndpointAutoConfiguration;
import dev.backfill.boot.actuate.BackfillsEndpoint;
import dev.backfill.boot.actuate.BackfillsEndpointWebExtension;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.web.BackfillStatusPage;
import dev.backfill.boot.web.BackfillStatusPageAutoConfiguration;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the endpoint, the page and their security filter chains are configured, and when
 * they back off.
 */
class BackfillWebAutoConfigurationTests extends DatabaseTest {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
			DataSourceTransactionManagerAutoConfiguration.class, BatchJdbcAutoConfiguration.class,
			BackfillAutoConfiguration.class, BackfillEndpointAutoConfiguration.class,
			BackfillStatusPageAutoConfiguration.class);

	private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
		.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource));

	@Test
	void endpointIsConfiguredWhenTheApplicationExposesIt() {
		this.web.withPropertyValues("management.endpoints.web.exposure.include=backfills")
			.run((context) -> assertThat(context).hasSingleBean(BackfillsEndpoint.class)
				.hasSingleBean(BackfillsEndpointWebExtension.class));
	}

	@Test
	void endpointIsLeftOutUnlessExposed() {
		this.web.run((context) -> assertThat(context).doesNotHaveBean(BackfillsEndpoint.class));
	}

	@Test
	void endpointNeedsActuator() {
		this.web.withPropertyValues("management.endpoints.web.exposure.include=backfills")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(BackfillsEndpoint.class));
	}

	@Test
	void pageIsOffUnlessEnabled() {
		this.web.run((context) -> assertThat(context).doesNotHaveBean(BackfillStatusPage.class));
		this.web.withPropertyValues("backfill.web.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(BackfillStatusPage.class)
				.hasBean("backfillStatusPageRoute"));
	}

	@Test
	void pageOnOrUnderTheEndpointsPathFailsStartupNamingTheFix() {
		WebApplicationContextRunner actuator = this.web
			.withConfiguration(
					AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
			.withPropertyValues("backfill.web.enabled=true", "management.endpoints.web.exposure.include=backfills");
		actuator.withPropertyValues("management.endpoints.web.base-path=/")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(InvalidBackfillException.class)
				.hasMessage("The status page's path /backfills (backfill.web.path) is taken by Actuator, which serves "
						+ "the backfills endpoint at /backfills. Set backfill.web.path to another path, such as "
						+ "/backfills-status."));
		actuator.withPropertyValues("backfill.web.path=/actuator/backfills/status")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(InvalidBackfillException.class)
				.hasMessageContaining("which serves the backfills endpoint at /actuator/backfills."));
		actuator.withPropertyValues("backfill.web.path=/actuator/")
			.run((context) -> assertThat(context).getFailure().isInstanceOf(InvalidBackfillException.class));
		actuator.withPropertyValues("management.endpoints.web.base-path=/", "backfill.web.path=/backfills-status")
			.run((context) -> assertThat(context).hasNotFailed().hasBean("backfillStatusPageRoute"));
		// on a management port of its own, or not exposed over HTTP: nothing to clash
		// with
		actuator.withPropertyValues("management.endpoints.web.base-path=/", "management.server.port=0")
			.run((context) -> assertThat(context).hasNotFailed().hasBean("backfillStatusPageRoute"));
		this.web
			.withConfiguration(
					AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
			.withPropertyValues("backfill.web.enabled=true", "management.endpoints.web.base-path=/")
			.run((context) -> assertThat(context).hasNotFailed().hasBean("backfillStatusPageRoute"));
	}

	@Test
	void pageNeedsAServletWebApplication() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
			.withPropertyValues("backfill.web.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(BackfillStatusPage.class));
	}

	@Test
	void pageDoesNotNeedActuator() {
		this.web.withPropertyValues("backfill.web.enabled=true", "management.endpoints.web.exposure.include=backfills")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasSingleBean(BackfillStatusPage.class)
				.doesNotHaveBean(BackfillsEndpoint.class));
	}

	@Test
	void securityFilterChainsAreConfiguredWithSpringSecurityAndReplacedByName() {
		SecurityFilterChain own = new DefaultSecurityFilterChain(
				PathPatternRequestMatcher.withDefaults().matcher("/own"));
		WebApplicationContextRunner secured = this.web
			.withConfiguration(AutoConfigurations.of(ServletWebSecurityAutoConfiguration.class,
					DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class))
			.withPropertyValues("backfill.web.enabled=true", "management.endpoints.web.exposure.include=backfills");
		secured.run((context) -> assertThat(context).hasBean(BackfillEndpointAutoConfiguration.SECURITY_FILTER_CHAIN)
			.hasBean(BackfillStatusPageAutoConfiguration.SECURITY_FILTER_CHAIN));
		secured.withBean(BackfillEndpointAutoConfiguration.SECURITY_FILTER_CHAIN, SecurityFilterChain.class, () -> own)
			.run((context) -> {
				assertThat(context.getBean(BackfillEndpointAutoConfiguration.SECURITY_FILTER_CHAIN)).isSameAs(own);
				assertThat(context).hasBean(BackfillStatusPageAutoConfiguration.SECURITY_FILTER_CHAIN);
			});
		// without Spring Security, no chain and no failure
		this.web.withPropertyValues("backfill.web.enabled=true", "management.endpoints.web.exposure.include=backfills")
			.withClassLoader(new FilteredClassLoader(SecurityFilterChain.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SecurityFilterChain.class));
	}

}

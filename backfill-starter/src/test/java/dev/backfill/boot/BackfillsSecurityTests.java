package dev.backfill.boot;

import dev.backfill.Backfill;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The endpoint and the page in an application with Spring Security and Boot's default
 * security: reading needs a user, acting the role {@code backfill.web.role}, and nothing
 * else in the application changes.
 */
class BackfillsSecurityTests extends DatabaseTest {

	private static final String ENDPOINT = "/actuator/backfills/lower-emails";

	private static WebApp app;

	private static MockMvc mvc;

	@BeforeAll
	static void startApplication() {
		jdbc.sql("""
				CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
				INSERT INTO accounts (id, email) SELECT g, 'User' || g || '@X.org' FROM generate_series(1, 100) g""")
			.update();
		app = WebApp.start(dataSource, Secured.class, "backfill.web.enabled=true");
		mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) app.context()).apply(springSecurity()).build();
	}

	@AfterAll
	static void stopApplication() {
		app.close();
	}

	@Test
	void anonymousRequestsAreAskedToAuthenticate() throws Exception {
		mvc.perform(action("pause"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", startsWith("Basic realm=")));
		mvc.perform(get(ENDPOINT)).andExpect(status().isUnauthorized());
		mvc.perform(get("/actuator/backfills")).andExpect(status().isUnauthorized());
		mvc.perform(get("/backfills")).andExpect(status().isUnauthorized());
		assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE")).isZero();
	}

	@Test
	void aUserWithoutTheRoleReadsButCannotAct() throws Exception {
		mvc.perform(get("/actuator/backfills").with(user("viewer"))).andExpect(status().isOk());
		mvc.perform(get(ENDPOINT).with(user("viewer"))).andExpect(status().isOk());
		mvc.perform(get("/backfills").with(user("viewer"))).andExpect(status().isOk());
		mvc.perform(action("pause").with(user("viewer"))).andExpect(status().isForbidden());
		mvc.perform(action("pause").with(httpBasic("viewer", "secret"))).andExpect(status().isForbidden());
		assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE")).isZero();
	}

	@Test
	void aUserWithTheRoleActsAndIsNamedAsWhoPaused() throws Exception {
		mvc.perform(action("pause").with(user("alice").roles("BACKFILL_OPERATOR")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.message").value(startsWith("paused")));
		assertThat(jdbc.sql("SELECT PAUSED_BY FROM BACKFILL_PAUSE WHERE BACKFILL_NAME = 'lower-emails'")
			.query(String.class)
			.single()).isEqualTo("alice through the backfills endpoint");
		// the chain's own Basic authentication, with a real user of the application
		mvc.perform(action("resume").with(httpBasic("operator", "secret")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.message").value(startsWith("resumed")));
		assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE")).isZero();
	}

	@Test
	void restOfTheApplicationKeepsBootsDefaultSecurity() throws Exception {
		// Boot's Actuator chain is still there: health is open, everything else needs a
		// login
		mvc.perform(get("/actuator/health")).andExpect(status().isOk());
		mvc.perform(get("/elsewhere").accept(MediaType.APPLICATION_JSON)).andExpect(status().isUnauthorized());
		mvc.perform(get("/elsewhere").accept(MediaType.TEXT_HTML))
			.andExpect(status().isFound())
			.andExpect(header().string("Location", endsWith("/login")));
		assertThat(app.context().getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys(
				"backfillsEndpointSecurityFilterChain", "backfillStatusPageSecurityFilterChain",
				"managementSecurityFilterChain");
	}

	private static MockHttpServletRequestBuilder action(String action) {
		return post(ENDPOINT).contentType(MediaType.APPLICATION_JSON).content("{\"action\": \"" + action + "\"}");
	}

	@Configuration(proxyBeanMethods = false)
	static class Secured {

		@Bean
		static Backfill lowerEmails() {
			return LowerEmails.onAccounts();
		}

		@Bean
		static UserDetailsService users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("viewer").password("{noop}secret").roles("VIEWER").build(),
					User.withUsername("operator").password("{noop}secret").roles("BACKFILL_OPERATOR").build());
		}

	}

}

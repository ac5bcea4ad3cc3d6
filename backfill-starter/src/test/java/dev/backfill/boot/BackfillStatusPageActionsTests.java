package dev.backfill.boot;

import dev.backfill.Backfill;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The status page's buttons: with Spring Security a post needs the role and the CSRF
 * token, and one without either is a 403 that pauses nothing; without Spring Security the
 * page follows the endpoint's rule, no buttons unless
 * {@code backfill.web.allow-unsecured-actions=true}, and then a post from another origin
 * is refused.
 */
class BackfillStatusPageActionsTests extends DatabaseTest {

	private static final String PAUSE = "/backfills/lower-emails/pause";

	private static WebApp secured;

	private static WebApp closed;

	private static WebApp open;

	private static MockMvc mvc;

	@BeforeAll
	static void startApplications() {
		jdbc.sql("""
				CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
				INSERT INTO accounts (id, email) SELECT g, 'User' || g || '@X.org' FROM generate_series(1, 100) g""")
			.update();
		secured = WebApp.start(dataSource, Secured.class, "backfill.web.enabled=true");
		mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) secured.context())
			.apply(springSecurity())
			.build();
		closed = WebApp.start(dataSource, Secured.class, WebApp.WITHOUT_SECURITY, "backfill.web.enabled=true");
		open = WebApp.start(dataSource, Secured.class, WebApp.WITHOUT_SECURITY, "backfill.web.enabled=true",
				"backfill.web.allow-unsecured-actions=true");
	}

	@AfterAll
	static void stopApplications() {
		secured.close();
		closed.close();
		open.close();
	}

	@AfterEach
	void resume() {
		jdbc.sql("DELETE FROM BACKFILL_PAUSE").update();
	}

	@Test
	void aPostWithoutTheCsrfTokenIsRefusedAndPausesNothing() throws Exception {
		mvc.perform(post(PAUSE).with(user("alice").roles("BACKFILL_OPERATOR"))).andExpect(status().isForbidden());
		mvc.perform(post(PAUSE).with(httpBasic("operator", "secret"))).andExpect(status().isForbidden());
		mvc.perform(post(PAUSE).with(user("alice").roles("BACKFILL_OPERATOR")).with(csrf().useInvalidToken()))
			.andExpect(status().isForbidden());
		assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE")).isZero();
	}

	@Test
	void aPostWithoutTheRoleIsRefusedAndPausesNothing() throws Exception {
		mvc.perform(post(PAUSE).with(user("viewer")).with(csrf())).andExpect(status().isForbidden());
		mvc.perform(post(PAUSE).with(httpBasic("viewer", "secret")).with(csrf())).andExpect(status().isForbidden());
		mvc.perform(post(PAUSE).with(csrf())).andExpect(status().isUnauthorized());
		assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE")).isZero();
	}

	@Test
	void aUserWithoutTheRoleSeesNoButtons() throws Exception {
		mvc.perform(get("/backfills").with(user("viewer")))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("lower-emails")))
			.andExpect(content().string(not(containsString("<form"))));
	}

	@Test
	void aUserWithTheRoleSeesButtonsWithTheTokenPausesAndIsSentBackWithANotice() throws Exception {
		mvc.perform(get("/backfills").with(user("alice").roles("BACKFILL_OPERATOR")))
			.andExpect(content().string(containsString("<form method=\"post\" action=\"/backfills/lower-emails/pause\">"
					+ "<input type=\"hidden\" name=\"_csrf\" value=\"")));
		mvc.perform(post(PAUSE).with(user("alice").roles("BACKFILL_OPERATOR")).with(csrf()))
			.andExpect(status().isSeeOther())
			.andExpect(header().string("Location", "/backfills?backfill=lower-emails&notice=paused"));
		assertThat(jdbc.sql("SELECT PAUSED_BY FROM BACKFILL_PAUSE WHERE BACKFILL_NAME = 'lower-emails'")
			.query(String.class)
			.single()).isEqualTo("alice on the status page");
		mvc.perform(
				get("/backfills?backfill=lower-emails&notice=paused").with(user("alice").roles("BACKFILL_OPERATOR")))
			.andExpect(content().string(containsString("<p class=\"notice\" role=\"status\">Paused lower-emails: "
					+ "its run holds before its next batch until it is resumed.</p>")));
		mvc.perform(post("/backfills/lower-emails/resume").with(httpBasic("operator", "secret")).with(csrf()))
			.andExpect(status().isSeeOther())
			.andExpect(header().string("Location", "/backfills?backfill=lower-emails&notice=resumed"));
		assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE")).isZero();
	}

	@Test
	void anUnknownBackfillOrActionIsNotFound() throws Exception {
		mvc.perform(post("/backfills/nope/pause").with(user("alice").roles("BACKFILL_OPERATOR")).with(csrf()))
			.andExpect(status().isNotFound());
		mvc.perform(
				post("/backfills/lower-emails/rollback").with(user("alice").roles("BACKFILL_OPERATOR")).with(csrf()))
			.andExpect(status().isNotFound());
	}

	@Test
	void withoutSpringSecurityTheButtonsAreNotExposedAndAPostIsRefused() {
		assertThat(closed.get("/backfills").body()).contains("lower-emails").doesNotContain("<form");
		WebApp.Response refused = closed.post(PAUSE, "");
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.body()).contains("backfill.web.allow-unsecured-actions=true");
		assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE")).isZero();
	}

	@Test
	void withUnsecuredActionsAllowedAPostFromAnotherOriginIsRefused() {
		assertThat(open.get("/backfills").body()).contains("action=\"/backfills/lower-emails/pause\"")
			.doesNotContain("_csrf");
		assertThat(open.postForm(PAUSE, "", "Origin", "https://elsewhere.example").status()).isEqualTo(403);
		assertThat(open.postForm(PAUSE, "", "Sec-Fetch-Site", "cross-site").status()).isEqualTo(403);
		assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE")).isZero();
		WebApp.Response paused = open.postForm(PAUSE, "", "Origin", open.url(""));
		assertThat(paused.status()).isEqualTo(303);
		assertThat(jdbc.sql("SELECT PAUSED_BY FROM BACKFILL_PAUSE WHERE BACKFILL_NAME = 'lower-emails'")
			.query(String.class)
			.single()).isEqualTo("the status page");
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

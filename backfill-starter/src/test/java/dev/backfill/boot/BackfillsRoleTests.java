package dev.backfill.boot;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanException;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.security.auth.Subject;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillState;
import dev.backfill.boot.WebApp.Response;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.config.Customizer.withDefaults;

/**
 * The endpoint checks {@code backfill.web.role} itself: behind an application's own chain
 * that lets every authenticated user reach every endpoint, and over JMX, where no filter
 * chain runs.
 */
class BackfillsRoleTests extends DatabaseTest {

	private static final List<String> ACTIONS = List.of("start", "stop", "pause", "resume", "dry-run", "verify",
			"rollback");

	private static WebApp app;

	private static BackfillOperator operator;

	@BeforeAll
	static void startApplication() {
		jdbc.sql("""
				CREATE TABLE done_accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
				INSERT INTO done_accounts (id, email) SELECT g, 'User' || g || '@X.org' FROM generate_series(1, 300) g;
				CREATE TABLE slow_accounts (id bigint PRIMARY KEY, seen boolean NOT NULL DEFAULT false);
				INSERT INTO slow_accounts (id) SELECT g FROM generate_series(1, 3000) g;
				CREATE TABLE operated_accounts (id bigint PRIMARY KEY, seen boolean NOT NULL DEFAULT false);
				INSERT INTO operated_accounts (id) SELECT g FROM generate_series(1, 3000) g;
				ANALYZE operated_accounts;
				CREATE TABLE jmx_accounts (id bigint PRIMARY KEY, seen boolean NOT NULL DEFAULT false);
				INSERT INTO jmx_accounts (id) SELECT g FROM generate_series(1, 300) g""").update();
		app = WebApp.start(dataSource, OwnChain.class, "spring.jmx.enabled=true",
				"management.endpoints.jmx.exposure.include=backfills");
		operator = app.context().getBean(BackfillOperator.class);
	}

	@AfterAll
	static void stopApplication() {
		app.close();
	}

	@Test
	void behindTheApplicationsChainAUserWithoutTheRoleIsRefusedEveryActionAndNothingChanges() {
		// a completed backfill, paused: a run, a verify, a dry-run, a rollback or a
		// resume would each show
		assertThat(
				app.post("/actuator/backfills/done-accounts", "{\"action\": \"start\"}", "operator", "secret").status())
			.isIn(200, 202);
		awaitState("done-accounts", BackfillState.COMPLETED);
		operator.pause("done-accounts", "setup");
		Map<String, Object> before = database();

		for (String action : ACTIONS) {
			Response refused = app.post("/actuator/backfills/done-accounts", "{\"action\": \"" + action + "\"}",
					"viewer", "secret");
			assertThat(refused.status()).as(action + ": " + refused.body()).isEqualTo(403);
			assertThat(refused.<String>json("$.message")).as(action)
				.contains("User 'viewer'", action, "BACKFILL_OPERATOR", "backfill.web.role");
		}
		assertThat(database()).isEqualTo(before);
		assertThat(operator.status("done-accounts").state()).isEqualTo(BackfillState.COMPLETED);
		// reads keep their rule: any authenticated user of this chain
		assertThat(app.get("/actuator/backfills/done-accounts", "viewer", "secret").status()).isEqualTo(200);
		operator.resume("done-accounts");

		// a run in flight: neither paused nor stopped by the viewer, it completes
		assertThat(
				app.post("/actuator/backfills/slow-accounts", "{\"action\": \"start\"}", "operator", "secret").status())
			.isEqualTo(202);
		await().atMost(Duration.ofSeconds(30)).until(() -> operator.status("slow-accounts").batches() >= 2);
		for (String action : List.of("pause", "stop")) {
			assertThat(app
				.post("/actuator/backfills/slow-accounts", "{\"action\": \"" + action + "\"}", "viewer", "secret")
				.status()).as(action).isEqualTo(403);
		}
		assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE WHERE BACKFILL_NAME = 'slow-accounts'")).isZero();
		awaitState("slow-accounts", BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM slow_accounts WHERE NOT seen")).isZero();
	}

	@Test
	void behindTheApplicationsChainAUserWithTheRoleTakesEveryAction() {
		String operated = "/actuator/backfills/operated-accounts";
		assertThat(act(operated, "dry-run").status()).isIn(200, 202);
		await().atMost(Duration.ofSeconds(60)).until(() -> operator.status("operated-accounts").estimate() != null);
		assertThat(count("SELECT count(*) FROM operated_accounts WHERE seen")).isZero();

		assertThat(act(operated, "start").status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(30)).until(() -> operator.status("operated-accounts").batches() >= 2);
		assertThat(act(operated, "pause").<String>json("$.message")).startsWith("paused");
		assertThat(jdbc.sql("SELECT PAUSED_BY FROM BACKFILL_PAUSE WHERE BACKFILL_NAME = 'operated-accounts'")
			.query(String.class)
			.single()).isEqualTo("operator through the backfills endpoint");
		awaitState("operated-accounts", BackfillState.PAUSED);
		assertThat(act(operated, "resume").<String>json("$.message")).startsWith("resumed");
		assertThat(act(operated, "stop").<String>json("$.message")).startsWith("asked to stop");
		awaitState("operated-accounts", BackfillState.STOPPED);

		assertThat(act(operated, "start").status()).isIn(200, 202);
		awaitState("operated-accounts", BackfillState.COMPLETED);
		assertThat(act(operated, "verify").status()).isIn(200, 202);
		await().atMost(Duration.ofSeconds(60)).until(() -> operator.status("operated-accounts").verification() != null);
		assertThat(act(operated, "rollback").status()).isIn(200, 202);
		awaitState("operated-accounts", BackfillState.ROLLED_BACK);
		assertThat(count("SELECT count(*) FROM operated_accounts WHERE seen")).isZero();
	}

	@Test
	void overJmxEveryActionIsRefusedWithoutAnAuthenticatedUserAndNothingChanges() throws Exception {
		MBeanServer server = app.context().getBean(MBeanServer.class);
		operator.pause("jmx-accounts", "setup");
		Map<String, Object> before = database();
		for (String action : ACTIONS) {
			Throwable refused = catchThrowable(() -> act(server, "jmx-accounts", action));
			assertThat(refused).as(action).isInstanceOf(MBeanException.class);
			assertThat(refused.getMessage()).as(action)
				.contains("over JMX", action, "BACKFILL_OPERATOR", "backfill.web.role",
						"backfill.web.allow-unauthenticated-jmx-actions");
		}
		assertThat(database()).isEqualTo(before);
		assertThat(operator.status("jmx-accounts").state()).isEqualTo(BackfillState.NEVER_RUN);
		operator.resume("jmx-accounts");
	}

	@Test
	void overAJmxConnectorThatAuthenticatesThroughSpringSecurityOnlyAUserWithTheRoleActs() throws Exception {
		MBeanServer server = app.context().getBean(MBeanServer.class);
		// the stub the connector hands out names this address, and its socket listens on
		// it alone
		System.setProperty("java.rmi.server.hostname", "127.0.0.1");
		ProviderManager authentication = new ProviderManager(
				new DaoAuthenticationProvider(app.context().getBean(UserDetailsService.class)));
		JMXAuthenticator authenticator = (credentials) -> {
			String[] pair = (String[]) credentials;
			return new Subject(true,
					Set.of(authentication
						.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(pair[0], pair[1]))),
					Set.of(), Set.of());
		};
		JMXConnectorServer connectorServer = JMXConnectorServerFactory.newJMXConnectorServer(
				new JMXServiceURL("service:jmx:rmi://127.0.0.1"), Map.of(JMXConnectorServer.AUTHENTICATOR,
						authenticator, RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, new LoopbackSockets()),
				server);
		connectorServer.start();
		try {
			try (JMXConnector viewer = connect(connectorServer, "viewer")) {
				Throwable refused = catchThrowable(
						() -> act(viewer.getMBeanServerConnection(), "jmx-accounts", "pause"));
				assertThat(refused).isInstanceOf(MBeanException.class);
				assertThat(refused.getMessage()).contains("User 'viewer'", "BACKFILL_OPERATOR", "backfill.web.role");
			}
			assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE WHERE BACKFILL_NAME = 'jmx-accounts'")).isZero();
			try (JMXConnector operatorConnection = connect(connectorServer, "operator")) {
				act(operatorConnection.getMBeanServerConnection(), "jmx-accounts", "pause");
				assertThat(jdbc.sql("SELECT PAUSED_BY FROM BACKFILL_PAUSE WHERE BACKFILL_NAME = 'jmx-accounts'")
					.query(String.class)
					.single()).isEqualTo("operator over JMX");
				act(operatorConnection.getMBeanServerConnection(), "jmx-accounts", "resume");
			}
			assertThat(count("SELECT count(*) FROM BACKFILL_PAUSE WHERE BACKFILL_NAME = 'jmx-accounts'")).isZero();
		}
		finally {
			connectorServer.stop();
		}
	}

	private static JMXConnector connect(JMXConnectorServer connectorServer, String user) throws IOException {
		return JMXConnectorFactory.connect(connectorServer.getAddress(),
				Map.of(JMXConnector.CREDENTIALS, new String[] { user, "secret" }));
	}

	// the endpoint's write operation, its arguments by name
	private static Object act(MBeanServerConnection server, String name, String action) throws Exception {
		ObjectName endpoint = server.queryNames(new ObjectName("*:type=Endpoint,name=Backfills,*"), null)
			.iterator()
			.next();
		MBeanOperationInfo act = Arrays.stream(server.getMBeanInfo(endpoint).getOperations())
			.filter((operation) -> operation.getName().equals("act"))
			.findFirst()
			.orElseThrow();
		Map<String, String> arguments = Map.of("name", name, "action", action);
		MBeanParameterInfo[] parameters = act.getSignature();
		return server.invoke(endpoint, "act",
				Arrays.stream(parameters).map((parameter) -> arguments.get(parameter.getName())).toArray(),
				Arrays.stream(parameters).map(MBeanParameterInfo::getType).toArray(String[]::new));
	}

	private static Response act(String path, String action) {
		Response response = app.post(path, "{\"action\": \"" + action + "\"}", "operator", "secret");
		assertThat(response.status()).as(action + ": " + response.body()).isBetween(200, 299);
		return response;
	}

	private static void awaitState(String name, BackfillState state) {
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> operator.status(name).state(), state::equals);
	}

	// what an action would change: job executions, the batch log, pause flags, the
	// tables' rows
	private static Map<String, Object> database() {
		return Map.of("executions", count("SELECT count(*) FROM BATCH_JOB_EXECUTION"), "batches",
				count("SELECT count(*) FROM BACKFILL_BATCH_LOG"), "pauses",
				jdbc.sql("SELECT string_agg(BACKFILL_NAME || ' by ' || PAUSED_BY, ', ') FROM BACKFILL_PAUSE")
					.query(String.class)
					.optional()
					.orElse(""),
				"done", count("SELECT count(*) FROM done_accounts WHERE email_lower IS NOT NULL"), "jmx",
				count("SELECT count(*) FROM jmx_accounts WHERE seen"));
	}

	// RMI's listening sockets on the loopback address only
	private static final class LoopbackSockets implements java.rmi.server.RMIServerSocketFactory {

		@Override
		public ServerSocket createServerSocket(int port) throws IOException {
			return new ServerSocket(port, 0, InetAddress.getLoopbackAddress());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnChain {

		// the common application chain: every endpoint, any authenticated user, no CSRF
		@Bean
		@Order(1)
		SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http) {
			http.securityMatcher(EndpointRequest.toAnyEndpoint());
			http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
			http.httpBasic(withDefaults());
			http.csrf((csrf) -> csrf.disable());
			return http.build();
		}

		@Bean
		static UserDetailsService users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("viewer").password("{noop}secret").roles("VIEWER").build(),
					User.withUsername("operator").password("{noop}secret").roles("BACKFILL_OPERATOR").build());
		}

		@Bean
		static Backfill doneAccounts() {
			return LowerEmails.on("done-accounts", "done_accounts")
				.verify("SELECT id, 'email_lower is ' || email_lower FROM done_accounts WHERE id > :from "
						+ "AND id <= :to AND email_lower <> lower(email)")
				.batchSize(100)
				.build();
		}

		// 30 batches of about 0.1 s: long enough to be paused or stopped midway
		@Bean
		static Backfill slowAccounts() {
			return slow("slow-accounts", "slow_accounts");
		}

		@Bean
		static Backfill operatedAccounts() {
			return slow("operated-accounts", "operated_accounts");
		}

		@Bean
		static Backfill jmxAccounts() {
			return slow("jmx-accounts", "jmx_accounts");
		}

		private static Backfill slow(String name, String table) {
			return Backfill.sql(name)
				.table(table)
				.key("id")
				.pending("NOT seen")
				.update("WITH pause AS (SELECT pg_sleep(0.1)) UPDATE " + table + " SET seen = true FROM pause "
						+ "WHERE id > :from AND id <= :to AND NOT seen")
				.rollback("UPDATE " + table + " SET seen = false WHERE id > :from AND id <= :to")
				.batchSize(100)
				.build();
		}

	}

}

package dev.backfill.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.backfill.boot.cli.BackfillCommandRunner;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample without {@code backfill} arguments is a web application with the status page
 * and the Actuator endpoint; with them it is a command-line tool that starts no web
 * server.
 */
class SampleWebTests extends DatabaseTest {

	@Test
	void withoutCommandTheSampleServesTheStatusPageAndTheEndpoint() throws Exception {
		try (ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class,
				database("--server.port=0"))) {
			String base = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
			HttpClient http = HttpClient.newHttpClient();
			HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/backfills")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains("normalize-emails").contains("split-names").contains("NEVER_RUN");
			HttpResponse<String> endpoint = http.send(
					HttpRequest.newBuilder(URI.create(base + "/actuator/backfills")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(endpoint.statusCode()).isEqualTo(200);
			assertThat(endpoint.body()).contains("\"name\":\"normalize-emails\"").contains("\"name\":\"split-names\"");
		}
	}

	@Test
	void backfillCommandsStartNoWebServer() {
		try (ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class,
				database("backfill", "list", "--backfill.cli.exit=false"))) {
			assertThat(context.getBean(BackfillCommandRunner.class).getExitCode()).isZero();
			assertThat(context).isNotInstanceOf(WebApplicationContext.class);
			assertThat(context.getEnvironment().getProperty("local.server.port")).isNull();
		}
	}

	private static String[] database(String... args) {
		String[] all = new String[args.length + 3];
		System.arraycopy(args, 0, all, 0, args.length);
		all[args.length] = "--spring.datasource.url=" + dataSource.getJdbcUrl();
		all[args.length + 1] = "--spring.datasource.username=" + dataSource.getUsername();
		all[args.length + 2] = "--spring.datasource.password="
				+ ((dataSource.getPassword() != null) ? dataSource.getPassword() : "");
		return all;
	}

}

package dev.backfill.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.sql.DataSource;

import com.jayway.jsonpath.JsonPath;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A Spring Boot web application on a random port, on a test class's database, with the
 * given configuration classes (its backfills), and plain HTTP calls to it.
 */
final class WebApp implements AutoCloseable {

	/** Leaves Spring Security, which is on the test classpath, out of an application. */
	static final String WITHOUT_SECURITY = "spring.autoconfigure.exclude="
			+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration";

	private final ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private WebApp(ConfigurableApplicationContext context) {
		this.context = context;
		this.base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	static WebApp start(DataSource dataSource, Class<?> configuration, String... properties) {
		List<String> all = new ArrayList<>(
				List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
						"backfill.shutdown-timeout=10s", "management.endpoints.web.exposure.include=health,backfills"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class, configuration)
			.properties(all.toArray(String[]::new))
			.initializers((ConfigurableApplicationContext c) -> c.getBeanFactory()
				.registerSingleton("dataSource", new DelegatingDataSource(dataSource)))
			.run();
		return new WebApp(context);
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	String url(String path) {
		return this.base + path;
	}

	Response get(String path) {
		return send(HttpRequest.newBuilder(URI.create(url(path))).GET());
	}

	Response post(String path, String json) {
		return send(HttpRequest.newBuilder(URI.create(url(path)))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	/** A POST of a form with one header, as a browser sends it. */
	Response postForm(String path, String form, String header, String value) {
		return send(HttpRequest.newBuilder(URI.create(url(path)))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header(header, value)
			.POST(HttpRequest.BodyPublishers.ofString(form)));
	}

	/** A GET with HTTP Basic credentials. */
	Response get(String path, String user, String password) {
		return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", basic(user, password)).GET());
	}

	/** A POST of JSON with HTTP Basic credentials. */
	Response post(String path, String json, String user, String password) {
		return send(HttpRequest.newBuilder(URI.create(url(path)))
			.header("Content-Type", "application/json")
			.header("Authorization", basic(user, password))
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private Response send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.http.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body(),
					response.headers().firstValue("Content-Type").orElse(""));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

	/** An HTTP response. */
	record Response(int status, String body, String contentType) {

		<T> T json(String path) {
			return JsonPath.read(this.body, path);
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}

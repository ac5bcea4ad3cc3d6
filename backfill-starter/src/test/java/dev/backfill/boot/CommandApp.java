package dev.backfill.boot;

import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.boot.cli.BackfillCommandRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a Spring Boot application in this JVM as {@code java -jar app.jar backfill ...}
 * would, with the given configuration classes (its backfills), on a test database as a
 * given role, and returns the command's exit code: {@code 1} when the application failed
 * to start, as a JVM whose {@code main} threw exits with.
 */
final class CommandApp {

	private CommandApp() {
	}

	/** Runs a command as the test database's own user. */
	static int run(HikariDataSource database, Class<?> configuration, String... command) {
		return run(database.getJdbcUrl(), database.getUsername(),
				(database.getPassword() != null) ? database.getPassword() : "", configuration, command);
	}

	static int run(String url, String user, String password, Class<?> configuration, String... command) {
		List<String> args = new ArrayList<>(List.of(command));
		args.add("--spring.datasource.url=" + url);
		args.add("--spring.datasource.username=" + user);
		args.add("--spring.datasource.password=" + password);
		args.add("--backfill.cli.exit=false");
		// both schema initializers on, as in the sample: a role that may only read must
		// start all the same
		args.add("--spring.batch.jdbc.initialize-schema=always");
		args.add("--" + WebApp.WITHOUT_SECURITY);
		try (ConfigurableApplicationContext context = SpringApplication
			.run(new Class<?>[] { Application.class, configuration }, args.toArray(String[]::new))) {
			return context.getBean(BackfillCommandRunner.class).getExitCode();
		}
		catch (RuntimeException ex) {
			System.out.println("The application failed to start: " + ex);
			return 1;
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}

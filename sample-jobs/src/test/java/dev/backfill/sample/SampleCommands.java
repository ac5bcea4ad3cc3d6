package dev.backfill.sample;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.boot.cli.BackfillCommandRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a {@code backfill ...} command of the sample application in this JVM, against a
 * test database, and expects exit code 0.
 */
final class SampleCommands {

	private SampleCommands() {
	}

	static void run(DataSource database, String... command) {
		runExpecting(0, database, command);
	}

	static void runExpecting(int exitCode, DataSource database, String... command) {
		HikariDataSource dataSource = (HikariDataSource) database;
		String[] args = new String[command.length + 4];
		System.arraycopy(command, 0, args, 0, command.length);
		args[command.length] = "--spring.datasource.url=" + dataSource.getJdbcUrl();
		args[command.length + 1] = "--spring.datasource.username=" + dataSource.getUsername();
		args[command.length + 2] = "--spring.datasource.password="
				+ ((dataSource.getPassword() != null) ? dataSource.getPassword() : "");
		args[command.length + 3] = "--backfill.cli.exit=false";
		try (ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class, args)) {
			assertThat(context.getBean(BackfillCommandRunner.class).getExitCode())
				.as("exit code of %s", String.join(" ", command))
				.isEqualTo(exitCode);
		}
	}

}

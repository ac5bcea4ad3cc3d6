package dev.backfill.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With no {@code spring.datasource.url}, runs the sample on an embedded PostgreSQL whose data directory persists
 * between runs, so a killed run can be resumed. Any {@code --spring.datasource.url=...} replaces it.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.datasource.url", havingValue = "embedded", matchIfMissing = true)
public class EmbeddedDatabase {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedDatabase.class);

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(@Value("${sample.embedded.data-directory:.backfill-demo/pgdata}") Path directory)
			throws IOException {
		Files.createDirectories(directory);
		stopOrphan(directory);
		EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(directory)
			.setCleanDataDirectory(false)
			.setPGStartupWait(Duration.ofSeconds(60))
			.setServerConfig("max_wal_size", "2GB")
			.start();
		logger.info("Embedded PostgreSQL at {} (data in {})", postgres.getJdbcUrl("postgres", "postgres"),
				directory.toAbsolutePath());
		return postgres;
	}

	@Bean
	DataSource dataSource(EmbeddedPostgres postgres) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
		dataSource.setUsername("postgres");
		dataSource.setPoolName("embedded");
		return dataSource;
	}

	// A process killed with -9 leaves its PostgreSQL running on the data directory; stop it so this run owns it.
	private static void stopOrphan(Path directory) throws IOException {
		Path pidFile = directory.resolve("postmaster.pid");
		if (!Files.exists(pidFile)) {
			return;
		}
		List<String> lines = Files.readAllLines(pidFile);
		if (lines.isEmpty()) {
			return;
		}
		ProcessHandle.of(Long.parseLong(lines.get(0).strip())).filter(ProcessHandle::isAlive).ifPresent((orphan) -> {
			logger.info("Stopping the embedded PostgreSQL (pid {}) left running by a process that died", orphan.pid());
			orphan.destroy();
			try {
				orphan.onExit().get();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Could not stop PostgreSQL pid " + orphan.pid(), ex);
			}
		});
	}

}

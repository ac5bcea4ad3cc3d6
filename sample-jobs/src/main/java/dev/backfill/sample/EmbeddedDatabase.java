package dev.backfill.sample;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With no {@code spring.datasource.url}, runs the sample on an embedded PostgreSQL whose
 * data directory persists between runs, so a killed run can be resumed. A second process
 * on the same directory (say {@code backfill status} while a run is going) connects to
 * the server the first one started. Any {@code --spring.datasource.url=...} replaces all
 * of this.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.datasource.url", havingValue = "embedded", matchIfMissing = true)
public class EmbeddedDatabase {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedDatabase.class);

	// the file zonky's EmbeddedPostgres holds a lock on for as long as its process runs
	// the server
	private static final String OWNER_LOCK = "epg-lock";

	@Bean(destroyMethod = "close")
	Server embeddedPostgres(@Value("${sample.embedded.data-directory:.backfill-demo/pgdata}") Path directory)
			throws IOException {
		Files.createDirectories(directory);
		Integer port = runningPort(directory);
		if (port != null) {
			if (ownerAlive(directory)) {
				logger.info("Using the embedded PostgreSQL another process runs on port {} ({})", port, directory);
				return new Server("jdbc:postgresql://localhost:" + port + "/postgres", null);
			}
			stopOrphan(directory);
		}
		EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(directory)
			.setCleanDataDirectory(false)
			.setPGStartupWait(Duration.ofSeconds(60))
			.setServerConfig("max_wal_size", "2GB")
			.start();
		logger.info("Embedded PostgreSQL at {} (data in {})", postgres.getJdbcUrl("postgres", "postgres"),
				directory.toAbsolutePath());
		return new Server(postgres.getJdbcUrl("postgres", "postgres"), postgres);
	}

	@Bean
	DataSource dataSource(Server server) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(server.jdbcUrl());
		dataSource.setUsername("postgres");
		dataSource.setPoolName("embedded");
		return dataSource;
	}

	/**
	 * The embedded server this process uses, and owns when it started it.
	 *
	 * @param jdbcUrl its URL
	 * @param owned the server, when this process started it
	 */
	record Server(String jdbcUrl, @Nullable EmbeddedPostgres owned) implements Closeable {

		@Override
		public void close() throws IOException {
			if (this.owned != null) {
				this.owned.close();
			}
		}

	}

	// the port of a live postmaster on the directory, from postmaster.pid (line 1 pid,
	// line 4 port)
	private static @Nullable Integer runningPort(Path directory) throws IOException {
		Path pidFile = directory.resolve("postmaster.pid");
		if (!Files.exists(pidFile)) {
			return null;
		}
		List<String> lines = Files.readAllLines(pidFile);
		if (lines.size() < 4
				|| ProcessHandle.of(Long.parseLong(lines.get(0).strip())).filter(ProcessHandle::isAlive).isEmpty()) {
			return null;
		}
		return Integer.valueOf(lines.get(3).strip());
	}

	private static boolean ownerAlive(Path directory) throws IOException {
		Path lockFile = directory.resolve(OWNER_LOCK);
		if (!Files.exists(lockFile)) {
			return false;
		}
		try (FileChannel channel = new RandomAccessFile(lockFile.toFile(), "rw").getChannel();
				FileLock lock = channel.tryLock()) {
			return lock == null;
		}
	}

	// a process killed with -9 leaves its PostgreSQL running on the directory; stop it so
	// this one owns it
	private static void stopOrphan(Path directory) throws IOException {
		long pid = Long.parseLong(Files.readAllLines(directory.resolve("postmaster.pid")).get(0).strip());
		ProcessHandle.of(pid).ifPresent((orphan) -> {
			logger.info("Stopping the embedded PostgreSQL (pid {}) left running by a process that died", pid);
			orphan.destroy();
			try {
				orphan.onExit().get();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Could not stop PostgreSQL pid " + pid, ex);
			}
		});
	}

}

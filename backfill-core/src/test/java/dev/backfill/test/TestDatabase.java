package dev.backfill.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.datasource.init.ScriptUtils;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL server tests use, found once per JVM: {@code BACKFILL_TEST_JDBC_URL}
 * when set (user {@code BACKFILL_TEST_JDBC_USER}, default postgres), else a
 * Testcontainers PostgreSQL when Docker runs, else an embedded PostgreSQL. Each test
 * class takes a fresh database of its own.
 */
public final class TestDatabase {

	private static Server server;

	private TestDatabase() {
	}

	/** A server's admin connection details. */
	public record Server(String url, String user, String password, String kind) {

		/** The URL of another database on the same server. */
		public String urlOf(String database) {
			int slash = this.url.lastIndexOf('/');
			int query = this.url.indexOf('?', slash);
			return this.url.substring(0, slash + 1) + database + ((query >= 0) ? this.url.substring(query) : "");
		}

	}

	/**
	 * @return the server, started on first use
	 */
	public static synchronized Server server() {
		if (server == null) {
			server = find();
		}
		return server;
	}

	/**
	 * Creates a fresh database with Spring Batch's and the backfill schema.
	 * @return a pooled data source on it
	 */
	public static HikariDataSource create() {
		String name = "backfill_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		Server s = server();
		try (Connection admin = DriverManager.getConnection(s.url(), s.user(), s.password());
				Statement statement = admin.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create test database on " + s.url() + ": " + ex.getMessage(), ex);
		}
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(s.urlOf(name));
		config.setUsername(s.user());
		config.setPassword(s.password());
		config.setMaximumPoolSize(6);
		config.setPoolName(name);
		HikariDataSource dataSource = new HikariDataSource(config);
		applySchema(dataSource);
		return dataSource;
	}

	/**
	 * Closes the pool and drops its database, ending any session still on it (a child
	 * JVM, an application a test started), so that tests leave nothing behind on a shared
	 * server.
	 * @param dataSource a data source {@link #create()} returned
	 */
	public static void drop(HikariDataSource dataSource) {
		dataSource.close();
		String name = dataSource.getPoolName();
		Server s = server();
		try (Connection admin = DriverManager.getConnection(s.url(), s.user(), s.password());
				Statement statement = admin.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
		}
		catch (SQLException ex) {
			// the tests passed or failed already; a database left behind is only clutter
			System.err.println("Could not drop test database " + name + ": " + ex.getMessage());
		}
	}

	/** Applies Spring Batch's PostgreSQL schema and the backfill schema. */
	public static void applySchema(DataSource dataSource) {
		new ResourceDatabasePopulator(new ClassPathResource("org/springframework/batch/core/schema-postgresql.sql"))
			.execute(dataSource);
		// one statement: it holds a DO block
		ResourceDatabasePopulator backfill = new ResourceDatabasePopulator(
				new ClassPathResource("dev/backfill/jdbc/schema-postgresql.sql"));
		backfill.setSeparator(ScriptUtils.EOF_STATEMENT_SEPARATOR);
		backfill.execute(dataSource);
	}

	private static Server find() {
		String url = System.getenv("BACKFILL_TEST_JDBC_URL");
		if (url != null && !url.isBlank()) {
			String user = System.getenv().getOrDefault("BACKFILL_TEST_JDBC_USER", "postgres");
			String password = System.getenv().getOrDefault("BACKFILL_TEST_JDBC_PASSWORD", "");
			return new Server(url, user, password, "BACKFILL_TEST_JDBC_URL");
		}
		if (dockerAvailable()) {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
			container.start();
			return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
					"Testcontainers");
		}
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
			return new Server(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", "embedded PostgreSQL");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No PostgreSQL for tests: set BACKFILL_TEST_JDBC_URL, start Docker, or "
					+ "allow the embedded PostgreSQL to start", ex);
		}
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

}

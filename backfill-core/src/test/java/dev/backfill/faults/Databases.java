package dev.backfill.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.test.TestDatabase;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The matrix's databases on the test server: one per state to start from, made once, and
 * a copy of one for each cell ({@code CREATE DATABASE ... TEMPLATE}), so that a cell
 * starts from exactly the state a real crash left. All are dropped at the end. Each
 * database numbers its job instances and executions from a range of its own: Spring Batch
 * keeps the step and job executions that run in a JVM-wide map keyed by id, so cells
 * running at once would otherwise mix up their executions.
 */
final class Databases implements AutoCloseable {

	/** Ids each database may use before the next one's range. */
	private static final int IDS = 1_000;

	private final TestDatabase.Server server = TestDatabase.server();

	private final String prefix = "backfill_faults_" + UUID.randomUUID().toString().substring(0, 8) + "_";

	private final List<String> created = new ArrayList<>();

	private int made;

	/** Drops databases while the next cell runs. */
	private final ExecutorService dropping = Executors.newSingleThreadExecutor();

	/** A database of the cell, and a pool on it whose sockets can be severed. */
	record Database(String name, String url, HikariDataSource pool) implements AutoCloseable {

		JdbcClient jdbc() {
			return JdbcClient.create(this.pool);
		}

		@Override
		public void close() {
			this.pool.close();
		}

	}

	TestDatabase.Server server() {
		return this.server;
	}

	/**
	 * @return a new database with Spring Batch's and the backfill schema
	 */
	synchronized Database createEmpty() {
		Database database = open(create(""));
		TestDatabase.applySchema(database.pool());
		return withIdsOfItsOwn(database);
	}

	/**
	 * @return a new database copied from another, on which no session may be open
	 */
	synchronized Database copy(String template) {
		return withIdsOfItsOwn(open(create(" TEMPLATE " + template + " STRATEGY WAL_LOG")));
	}

	// above every id of the databases made before, which is all a copy holds
	private Database withIdsOfItsOwn(Database database) {
		long from = (long) this.made * IDS;
		for (String sequence : List.of("BATCH_JOB_INSTANCE_SEQ", "BATCH_JOB_EXECUTION_SEQ",
				"BATCH_STEP_EXECUTION_SEQ")) {
			database.jdbc().sql("SELECT setval(?, ?)").param(sequence).param(from).query().listOfRows();
		}
		return database;
	}

	/** Drops a database in the background, ending its sessions. */
	void drop(String name) {
		this.dropping.execute(() -> dropNow(name));
	}

	private void dropNow(String name) {
		admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
		synchronized (this) {
			this.created.remove(name);
		}
	}

	/**
	 * @return whether the server has a collation, such as ICU's {@code und-x-icu}
	 */
	boolean hasCollation(String collation) {
		try (Connection admin = DriverManager.getConnection(this.server.url(), this.server.user(),
				this.server.password());
				PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM pg_collation WHERE collname = ?")) {
			ps.setString(1, collation);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() && rs.getLong(1) > 0;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Waits until no session is open on a database, such as a halted child's, so that it
	 * can be copied.
	 */
	void awaitIdle(String name) throws InterruptedException {
		await(name, "SELECT count(*) FROM pg_stat_activity WHERE datname = ?");
	}

	/**
	 * Waits until a halted child's sessions are gone, as PostgreSQL finds out that its
	 * process died; the run lock's session has renamed itself {@code backfill NAME}.
	 */
	void awaitChildGone(String name) throws InterruptedException {
		await(name, "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND (application_name = '"
				+ FaultChild.CHILD + "' OR application_name LIKE 'backfill %')");
	}

	private void await(String name, String sql) throws InterruptedException {
		long deadline = System.nanoTime() + 10_000_000_000L;
		try (Connection admin = DriverManager.getConnection(this.server.url(), this.server.user(),
				this.server.password()); PreparedStatement sessions = admin.prepareStatement(sql)) {
			sessions.setString(1, name);
			while (true) {
				try (ResultSet rs = sessions.executeQuery()) {
					if (rs.next() && rs.getLong(1) == 0) {
						return;
					}
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Sessions still open on " + name + " after 10 s");
				}
				Thread.sleep(20);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String create(String suffix) {
		String name = this.prefix + this.made++;
		admin("CREATE DATABASE " + name + suffix);
		this.created.add(name);
		return name;
	}

	private Database open(String name) {
		String url = this.server.urlOf(name);
		return new Database(name, url, InterceptedOperators.pool(url, this.server.user(), this.server.password()));
	}

	private void admin(String sql) {
		try (Connection admin = DriverManager.getConnection(this.server.url(), this.server.user(),
				this.server.password()); Statement statement = admin.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.dropping.shutdown();
		this.dropping.awaitTermination(1, TimeUnit.MINUTES);
		List<String> left;
		synchronized (this) {
			left = List.copyOf(this.created);
		}
		left.forEach(this::dropNow);
	}

}

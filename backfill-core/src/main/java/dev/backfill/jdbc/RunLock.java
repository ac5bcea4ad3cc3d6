package dev.backfill.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import javax.sql.DataSource;

import dev.backfill.BackfillException;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL session advisory lock held for the whole of a run on a connection of its own. While the process lives,
 * the lock says the backfill runs; when the process dies, PostgreSQL releases it, which is how a stale
 * {@code STARTED} execution is told from a live one.
 *
 * @since 0.1.0
 */
public final class RunLock implements AutoCloseable {

	private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?)";

	private static final String UNLOCK = "SELECT pg_advisory_unlock(?)";

	private static final String HOLDER = """
			SELECT coalesce(host(a.client_addr), 'local socket') || ' (backend pid ' || a.pid || ', connected since '
			       || to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')'
			FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
			  AND l.classid = ((? >> 32) & 4294967295)::oid AND l.objid = (? & 4294967295)::oid""";

	private static final String APPLICATION_NAME = "SELECT set_config('application_name', ?, false)";

	private Connection connection;

	private final long key;

	private final String previousApplicationName;

	private final String backfill;

	private RunLock(Connection connection, long key, String previousApplicationName, String backfill) {
		this.connection = connection;
		this.key = key;
		this.previousApplicationName = previousApplicationName;
		this.backfill = backfill;
	}

	/**
	 * Takes the lock of a backfill if no session holds it.
	 * @param dataSource the target database
	 * @param backfill the backfill name
	 * @return the held lock, or empty when another session holds it
	 * @throws BackfillException when the database cannot be reached
	 */
	public static Optional<RunLock> tryAcquire(DataSource dataSource, String backfill) {
		long key = key(backfill);
		Connection connection = null;
		try {
			connection = dataSource.getConnection();
			connection.setAutoCommit(true);
			if (!queryBoolean(connection, TRY_LOCK, key)) {
				connection.close();
				return Optional.empty();
			}
			String previous = connection.getClientInfo("ApplicationName");
			nameSession(connection, backfill);
			return Optional.of(new RunLock(connection, key, (previous != null) ? previous : "", backfill));
		}
		catch (SQLException ex) {
			closeQuietly(connection);
			throw new BackfillException("Backfill '" + backfill + "': could not take its run lock: " + ex.getMessage()
					+ ". Check that the database is reachable.", ex);
		}
	}

	/**
	 * Describes the session that holds a backfill's lock.
	 * @param dataSource the target database
	 * @param backfill the backfill name
	 * @return the holder's address and backend, or {@code null} when nobody holds it
	 */
	public static @Nullable String holder(DataSource dataSource, String backfill) {
		long key = key(backfill);
		try (Connection connection = dataSource.getConnection();
				PreparedStatement ps = connection.prepareStatement(HOLDER)) {
			ps.setLong(1, key);
			ps.setLong(2, key);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? rs.getString(1) : null;
			}
		}
		catch (SQLException ex) {
			return null;
		}
	}

	/**
	 * Tells whether a session holds a backfill's lock, that is, whether a live process runs it.
	 * @param dataSource the target database
	 * @param backfill the backfill name
	 * @return whether the lock is held
	 */
	public static boolean isHeld(DataSource dataSource, String backfill) {
		return holder(dataSource, backfill) != null;
	}

	/**
	 * Makes sure the lock is still held after the database was unreachable: a session that PostgreSQL ended (a
	 * restart, {@code pg_terminate_backend}) took the lock with it, so it is taken again on a new connection.
	 * @param dataSource the target database
	 * @return whether this process holds the lock; {@code false} when another session took it meanwhile
	 * @throws SQLException when the database still cannot be reached
	 */
	public boolean renew(DataSource dataSource) throws SQLException {
		if (this.connection.isValid(2)) {
			return true;
		}
		closeQuietly(this.connection);
		Connection renewed = dataSource.getConnection();
		renewed.setAutoCommit(true);
		if (!queryBoolean(renewed, TRY_LOCK, this.key)) {
			closeQuietly(renewed);
			return false;
		}
		nameSession(renewed, this.backfill);
		this.connection = renewed;
		return true;
	}

	// visible in pg_stat_activity, so a DBA sees which session runs the backfill
	private static void nameSession(Connection connection, String backfill) throws SQLException {
		try (PreparedStatement ps = connection.prepareStatement(APPLICATION_NAME)) {
			ps.setString(1, truncate("backfill " + backfill, 63));
			ps.execute();
		}
	}

	/** Releases the lock and returns the connection. */
	@Override
	public void close() {
		try (PreparedStatement ps = this.connection.prepareStatement(APPLICATION_NAME)) {
			ps.setString(1, this.previousApplicationName);
			ps.execute();
			queryBoolean(this.connection, UNLOCK, this.key);
		}
		catch (SQLException ex) {
			// the session is gone, and PostgreSQL released the lock with it
		}
		finally {
			closeQuietly(this.connection);
		}
	}

	static long key(String backfill) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(("dev.backfill:" + backfill).getBytes(StandardCharsets.UTF_8));
			long key = 0;
			for (int i = 0; i < 8; i++) {
				key = (key << 8) | (digest[i] & 0xff);
			}
			return key;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean queryBoolean(Connection connection, String sql, long key) throws SQLException {
		try (PreparedStatement ps = connection.prepareStatement(sql)) {
			ps.setLong(1, key);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
	}

	private static String truncate(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max);
	}

	private static void closeQuietly(@Nullable Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// nothing to do: the pool discards a broken connection
			}
		}
	}

}

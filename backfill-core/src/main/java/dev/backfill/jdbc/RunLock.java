package dev.backfill.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalInt;

import javax.sql.DataSource;

import dev.backfill.BackfillException;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL session advisory lock held for the whole of a run on a connection of its
 * own. While the process lives, the lock says the backfill runs; when the process dies,
 * PostgreSQL releases it, which is how a stale {@code STARTED} execution is told from a
 * live one.
 */
public final class RunLock implements AutoCloseable {

	private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?)";

	private static final String UNLOCK = "SELECT pg_advisory_unlock(?)";

	// pg_locks shows every session's locks to every role (pg_stat_activity hides other
	// roles' details); advisory locks are per database, and so is the backfill's name
	private static final String HOLDER = """
			SELECT l.pid FROM pg_locks l
			WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
			  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
			  AND l.classid = ((? >> 32) & 4294967295)::oid AND l.objid = (? & 4294967295)::oid""";

	private static final String BACKEND_PID = "SELECT pg_backend_pid()";

	private static final String BUSY = """
			SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
			    AND application_name = ? AND state = 'active' AND wait_event_type IS DISTINCT FROM 'Client')""";

	// the lock's session, and the sessions of the same process that work under its name
	private static final String TERMINATE = """
			SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a
			WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
			  AND (a.pid = ? OR a.application_name = ?)""";

	private static final String APPLICATION_NAME = "SELECT set_config('application_name', ?, false)";

	private final DataSource dataSource;

	private Connection connection;

	private int backendPid;

	private final long key;

	private final String previousApplicationName;

	private final String backfill;

	private RunLock(DataSource dataSource, Connection connection, int backendPid, long key,
			String previousApplicationName, String backfill) {
		this.dataSource = dataSource;
		this.connection = connection;
		this.backendPid = backendPid;
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
			return Optional.of(new RunLock(dataSource, connection, backendPid(connection), key,
					(previous != null) ? previous : "", backfill));
		}
		catch (SQLException ex) {
			closeQuietly(connection);
			throw new BackfillException("Backfill '" + backfill + "': could not take its run lock: " + ex.getMessage()
					+ ". Check that the database is reachable.", ex);
		}
	}

	/**
	 * Finds the session of this database that holds a backfill's lock.
	 * @param dataSource the target database
	 * @param backfill the backfill name
	 * @return the backend pid of the holder's session, or empty when nobody holds it
	 * @throws BackfillException when the database cannot be reached
	 */
	public static OptionalInt holder(DataSource dataSource, String backfill) {
		long key = key(backfill);
		try (Connection connection = dataSource.getConnection();
				PreparedStatement ps = connection.prepareStatement(HOLDER)) {
			ps.setLong(1, key);
			ps.setLong(2, key);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
			}
		}
		catch (SQLException ex) {
			throw new BackfillException("Backfill '" + backfill + "': could not look up its run lock: "
					+ ex.getMessage() + ". Check that the database is reachable.", ex);
		}
	}

	/**
	 * Ends the sessions that hold a lock and walk under its name: a worker that hangs
	 * with a partition, so that another takes it. Its batch in flight rolls back.
	 * @param dataSource the target database
	 * @param backfill the name the lock was taken under
	 * @return how many sessions were ended
	 * @throws BackfillException when the database cannot be reached
	 */
	public static int terminateHolder(DataSource dataSource, String backfill) {
		OptionalInt holder = holder(dataSource, backfill);
		if (holder.isEmpty()) {
			return 0;
		}
		try (Connection connection = dataSource.getConnection();
				PreparedStatement ps = connection.prepareStatement(TERMINATE)) {
			ps.setInt(1, holder.getAsInt());
			ps.setString(2, applicationName(backfill));
			try (ResultSet rs = ps.executeQuery()) {
				int ended = 0;
				while (rs.next()) {
					ended += rs.getBoolean(1) ? 1 : 0;
				}
				return ended;
			}
		}
		catch (SQLException ex) {
			throw new BackfillException("Backfill '" + backfill + "': could not end the sessions of its lock: "
					+ ex.getMessage() + ". Check that the role may signal them (pg_signal_backend).", ex);
		}
	}

	/**
	 * Tells whether a session working under a lock's name runs a statement now: a long
	 * batch, not a hung worker, whose sessions sit idle.
	 * @param dataSource the target database
	 * @param backfill the name the lock was taken under
	 * @return whether one of its sessions is active
	 * @throws BackfillException when the database cannot be reached
	 */
	public static boolean isBusy(DataSource dataSource, String backfill) {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement ps = connection.prepareStatement(BUSY)) {
			ps.setString(1, applicationName(backfill));
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
		catch (SQLException ex) {
			throw new BackfillException("Backfill '" + backfill + "': could not look at its sessions: "
					+ ex.getMessage() + ". Check that the database is reachable.", ex);
		}
	}

	/**
	 * Tells whether a session of this database holds a backfill's lock, that is, whether
	 * a live process runs it.
	 * @param dataSource the target database
	 * @param backfill the backfill name
	 * @return whether the lock is held
	 * @throws BackfillException when the database cannot be reached
	 */
	public static boolean isHeld(DataSource dataSource, String backfill) {
		return holder(dataSource, backfill).isPresent();
	}

	/**
	 * @return the backend pid of the session that holds the lock
	 */
	public int backendPid() {
		return this.backendPid;
	}

	/**
	 * Makes sure the lock is still held. A session that PostgreSQL ended (a restart,
	 * {@code pg_terminate_backend}, {@code idle_session_timeout}, a proxy that dropped
	 * it) took the lock with it, so it is taken again on a new connection, unless another
	 * session took it meanwhile.
	 * @return whether the lock was still held, taken again, or lost to another session
	 * @throws SQLException when the database cannot be reached
	 */
	public Renewal renew() throws SQLException {
		if (this.connection.isValid(2)) {
			return Renewal.HELD;
		}
		closeQuietly(this.connection);
		Connection renewed = this.dataSource.getConnection();
		renewed.setAutoCommit(true);
		if (!queryBoolean(renewed, TRY_LOCK, this.key)) {
			closeQuietly(renewed);
			return Renewal.LOST;
		}
		nameSession(renewed, this.backfill);
		this.connection = renewed;
		this.backendPid = backendPid(renewed);
		return Renewal.TAKEN_AGAIN;
	}

	/** What {@link #renew()} found. */
	public enum Renewal {

		/** The lock's session is alive and holds it. */
		HELD,

		/** The lock's session had ended; a new one holds the lock now. */
		TAKEN_AGAIN,

		/** The lock's session had ended, and another session holds the lock now. */
		LOST

	}

	private static int backendPid(Connection connection) throws SQLException {
		try (PreparedStatement ps = connection.prepareStatement(BACKEND_PID); ResultSet rs = ps.executeQuery()) {
			rs.next();
			return rs.getInt(1);
		}
	}

	// visible in pg_stat_activity, so a DBA sees which session runs the backfill
	private static void nameSession(Connection connection, String backfill) throws SQLException {
		try (PreparedStatement ps = connection.prepareStatement(APPLICATION_NAME)) {
			ps.setString(1, applicationName(backfill));
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

	/**
	 * @param backfill the name a lock is taken under
	 * @return how its session is named in {@code pg_stat_activity}, such as
	 * {@code backfill orders-total}
	 */
	public static String applicationName(String backfill) {
		return truncate("backfill " + backfill, 63);
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

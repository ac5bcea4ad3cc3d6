package dev.backfill.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Ends PostgreSQL sessions from a connection of its own, as a DBA or a failover would:
 * {@code pg_terminate_backend} (the session gets 57P01), or its client socket closed
 * under the driver (08006). Either way it waits until the server has ended the session,
 * so that its open transaction is rolled back.
 */
final class Sessions implements AutoCloseable {

	private static final Duration GONE = Duration.ofSeconds(10);

	private final Connection admin;

	Sessions(String url, String user, String password) {
		try {
			this.admin = DriverManager.getConnection(url, user, password);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot connect to " + url + ": " + ex.getMessage(), ex);
		}
	}

	/** Terminates a session with {@code pg_terminate_backend}. */
	synchronized void terminate(int pid) {
		query("SELECT pg_terminate_backend(?)", pid);
		awaitGone(pid);
	}

	/**
	 * Breaks a session's socket on the client side: it must have been opened by
	 * {@link SeverableSocketFactory}.
	 */
	synchronized void sever(int pid) {
		Object port = query("SELECT client_port FROM pg_stat_activity WHERE pid = ?", pid);
		if (!(port instanceof Integer p) || !SeverableSocketFactory.sever(p)) {
			throw new IllegalStateException("No socket of this JVM serves backend " + pid + " (client port " + port
					+ "): is the data source's socketFactory " + SeverableSocketFactory.class.getName() + "?");
		}
		awaitGone(pid);
	}

	private void awaitGone(int pid) {
		long deadline = System.nanoTime() + GONE.toNanos();
		while (query("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid) instanceof Long n && n > 0) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Backend " + pid + " still runs " + GONE.toSeconds() + " s after it lost " + "its connection");
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	private Object query(String sql, int pid) {
		try (PreparedStatement ps = this.admin.prepareStatement(sql)) {
			ps.setInt(1, pid);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? rs.getObject(1) : null;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public synchronized void close() throws SQLException {
		this.admin.close();
	}

}

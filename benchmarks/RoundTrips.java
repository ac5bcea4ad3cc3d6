import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * What a round trip costs a batch on this machine: the UPDATE of normalize-emails per 1,000 keys with autocommit (the
 * psql loop's one round trip a batch), or with EXTRA trivial round trips and a commit per batch. Needs the customers
 * table of `backfill seed` in database DB.
 *
 *   java -cp ~/.m2/repository/org/postgresql/postgresql/42.7.13/postgresql-42.7.13.jar benchmarks/RoundTrips.java 0
 *   java -cp ... benchmarks/RoundTrips.java 10
 */
public class RoundTrips {

	public static void main(String[] args) throws Exception {
		int extra = Integer.parseInt(args[0]);
		int batch = 1000;
		String url = System.getenv().getOrDefault("URL", "jdbc:postgresql://127.0.0.1:5432/prof");
		try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
			c.createStatement().execute("UPDATE customers SET email_normalized = NULL WHERE email_normalized IS NOT NULL");
			c.createStatement().execute("VACUUM ANALYZE customers");
			c.createStatement().execute("CHECKPOINT");
			long max;
			try (ResultSet rs = c.createStatement().executeQuery("SELECT max(id) FROM customers")) {
				rs.next();
				max = rs.getLong(1);
			}
			PreparedStatement update = c.prepareStatement("UPDATE customers SET email_normalized = lower(trim(email)) "
					+ "WHERE id > ? AND id <= ? AND email_normalized IS NULL");
			PreparedStatement trivial = c.prepareStatement("SELECT 1");
			long start = System.nanoTime();
			c.setAutoCommit(extra == 0);
			for (long lo = 0; lo < max; lo += batch) {
				for (int i = 0; i < extra; i++) {
					try (ResultSet rs = trivial.executeQuery()) {
						rs.next();
					}
				}
				update.setLong(1, lo);
				update.setLong(2, lo + batch);
				update.executeUpdate();
				if (extra > 0) {
					c.commit();
				}
			}
			System.out.printf("extra=%d: %.2f s%n", extra, (System.nanoTime() - start) / 1e9);
		}
	}

}

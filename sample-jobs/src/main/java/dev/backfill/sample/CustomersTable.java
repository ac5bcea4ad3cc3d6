package dev.backfill.sample;

import java.io.PrintStream;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The generator of the sample table {@code customers} (created by {@code schema.sql}):
 * realistic names and emails (mixed case, stray spaces, one- and many-word names) made by
 * set-based SQL, about 5 million rows a minute on two cores.
 *
 * @since 0.1.0
 */
@Component
public class CustomersTable {

	private static final int CHUNK = 500_000;

	private static final String INSERT = """
			INSERT INTO customers (id, email, full_name)
			SELECT g,
			  CASE WHEN g % 7 = 0 THEN '  ' ELSE '' END
			    || CASE g % 3 WHEN 0 THEN upper(f) WHEN 1 THEN initcap(f) ELSE f END || '.' || l || (g % 997)
			    || '@' || (ARRAY['Example.com', 'MAIL.org', 'corp.io', 'Gmail.COM'])[1 + g % 4]
			    || CASE WHEN g % 5 = 0 THEN ' ' ELSE '' END,
			  CASE
			    WHEN g % 11 = 0 THEN initcap(f)
			    WHEN g % 13 = 0 THEN initcap(f) || ' ' || initcap(m) || ' ' || initcap(l)
			    WHEN g % 17 = 0 THEN '  ' || initcap(f) || '   ' || initcap(l) || ' '
			    ELSE initcap(f) || ' ' || initcap(l)
			  END
			FROM generate_series(:from, :to) AS g,
			LATERAL (SELECT
			  (ARRAY['ada', 'grace', 'alan', 'edsger', 'barbara', 'donald', 'john', 'margaret', 'ken', 'linus', 'anita',
			         'radia', 'tim', 'guido', 'james', 'frances', 'niklaus', 'leslie', 'shafi', 'yukihiro'])[1 + (g
			         * 7919) % 20] AS f,
			  (ARRAY['lovelace', 'hopper', 'turing', 'dijkstra', 'liskov', 'knuth', 'mccarthy', 'hamilton', 'thompson',
			         'torvalds', 'borg', 'perlman', 'berners-lee', 'van rossum', 'gosling', 'allen', 'wirth', 'lamport',
			         'goldwasser', 'matsumoto'])[1 + (g * 104729) % 20] AS l,
			  (ARRAY['de', 'van', 'maria', 'lee', 'jo'])[1 + g % 5] AS m) AS names""";

	private final JdbcClient jdbc;

	CustomersTable(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Appends rows after its largest id, in transactions of 500,000 rows.
	 * @param rows how many rows to add
	 * @param out where to report progress
	 * @return the table's row count after seeding
	 */
	public long seed(long rows, PrintStream out) {
		long start = this.jdbc.sql("SELECT coalesce(max(id), 0) FROM customers").query(Long.class).single();
		long begin = System.nanoTime();
		for (long from = start + 1; from <= start + rows; from += CHUNK) {
			long to = Math.min(from + CHUNK - 1, start + rows);
			this.jdbc.sql(INSERT).param("from", from).param("to", to).update();
			out.printf("seeded %,d/%,d rows%n", to - start, rows);
		}
		this.jdbc.sql("ANALYZE customers").update();
		long count = count();
		out.printf("customers: %,d rows (%,d added in %.1f s)%n", count, rows, (System.nanoTime() - begin) / 1e9);
		return count;
	}

	/**
	 * @return rows in the table
	 */
	public long count() {
		return this.jdbc.sql("SELECT count(*) FROM customers").query(Long.class).single();
	}

}

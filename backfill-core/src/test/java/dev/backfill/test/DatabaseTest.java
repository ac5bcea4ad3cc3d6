package dev.backfill.test;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A test class with a fresh PostgreSQL database of its own (see {@link TestDatabase}),
 * created before its first test and dropped after its last. Subclasses name their own
 * {@code @BeforeAll} methods differently, so this one is not hidden.
 */
public abstract class DatabaseTest {

	protected static HikariDataSource dataSource;

	protected static JdbcClient jdbc;

	@BeforeAll
	static void createDatabase() {
		dataSource = TestDatabase.create();
		jdbc = JdbcClient.create(dataSource);
	}

	@AfterAll
	static void dropDatabase() {
		TestDatabase.drop(dataSource);
	}

	/** Runs a {@code count(*)} query. */
	protected static long count(String sql) {
		return jdbc.sql(sql).query(Long.class).single();
	}

}

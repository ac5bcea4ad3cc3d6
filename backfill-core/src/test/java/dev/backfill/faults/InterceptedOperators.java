package dev.backfill.faults;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.BackfillSettings;
import dev.backfill.BatchSizing;
import dev.backfill.Retry;
import dev.backfill.engine.DefaultBackfillOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Builds an operator as a plain Spring application would (a JDBC job repository and a
 * transaction manager on one database), but on an {@link InterceptedDataSource} with a
 * {@link CountingJobRepository}, so that every event goes through a
 * {@link FaultInjector}.
 */
final class InterceptedOperators {

	/**
	 * The defaults, with short backoffs (the matrix waits on retries hundreds of times)
	 * and batches of at most {@link CounterBackfill#BATCH_SIZE} keys, so that a verify
	 * walks in batches as small as a run's.
	 */
	static final BackfillSettings SETTINGS = new BackfillSettings(CounterBackfill.BATCH_SIZE, Duration.ofSeconds(1),
			Duration.ofSeconds(30), BackfillSettings.DEFAULT_TABLE_PREFIX,
			new Retry(5, Duration.ofMillis(100), Duration.ofMillis(200)),
			new BatchSizing(Duration.ofMillis(500), CounterBackfill.BATCH_SIZE, CounterBackfill.BATCH_SIZE));

	private InterceptedOperators() {
	}

	/** A pool whose sockets {@link Sessions#sever} can close. */
	static HikariDataSource pool(String url, String user, String password) {
		return pool(url, user, password, "fault-matrix");
	}

	/**
	 * A pool whose sockets {@link Sessions#sever} can close, its sessions named in
	 * {@code pg_stat_activity}.
	 */
	static HikariDataSource pool(String url, String user, String password, String applicationName) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(user);
		config.setPassword(password);
		config.setMaximumPoolSize(6);
		config.setConnectionTimeout(10_000);
		config.setMinimumIdle(0);
		config.addDataSourceProperty("sslmode", "disable");
		config.addDataSourceProperty("ApplicationName", applicationName);
		// a halted JVM is not a crashed server: commits need not wait for the disk
		config.addDataSourceProperty("options", "-c synchronous_commit=off");
		config.addDataSourceProperty("socketFactory", SeverableSocketFactory.class.getName());
		return new HikariDataSource(config);
	}

	static DefaultBackfillOperator operator(DataSource pool, FaultInjector injector, Backfill backfill) {
		DataSource dataSource = InterceptedDataSource.wrap(pool, injector);
		DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
		JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
		factory.setDataSource(dataSource);
		factory.setTransactionManager(transactionManager);
		JobRepository repository;
		try {
			factory.afterPropertiesSet();
			repository = factory.getObject();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return DefaultBackfillOperator.create(dataSource, backfill)
			.transactionManager(transactionManager)
			.jobRepository(CountingJobRepository.wrap(repository, injector))
			.settings(SETTINGS)
			.build();
	}

}

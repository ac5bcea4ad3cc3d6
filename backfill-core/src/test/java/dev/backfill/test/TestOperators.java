package dev.backfill.test;

import java.util.List;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillSettings;
import dev.backfill.BackfillThrottle;
import dev.backfill.engine.DefaultBackfillOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Builds a {@link DefaultBackfillOperator} on a data source as a plain Spring application
 * would: a JDBC job repository and a transaction manager on the same database.
 */
public final class TestOperators {

	private TestOperators() {
	}

	public static DefaultBackfillOperator operator(DataSource dataSource, Backfill... backfills) {
		return operator(dataSource, BackfillSettings.DEFAULTS, backfills);
	}

	public static DefaultBackfillOperator operator(DataSource dataSource, BackfillSettings settings,
			Backfill... backfills) {
		return operator(dataSource, settings, List.of(), backfills);
	}

	public static DefaultBackfillOperator operator(DataSource dataSource, BackfillSettings settings,
			List<BackfillThrottle> throttles, Backfill... backfills) {
		return operator(dataSource, settings, throttles, UnaryOperator.identity(), backfills);
	}

	/**
	 * An operator whose job repository is seen through {@code repository}, such as one
	 * that injects faults.
	 */
	public static DefaultBackfillOperator operator(DataSource dataSource, BackfillSettings settings,
			List<BackfillThrottle> throttles, UnaryOperator<JobRepository> repository, Backfill... backfills) {
		DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
		return DefaultBackfillOperator.create(dataSource, backfills)
			.transactionManager(transactionManager)
			.jobRepository(repository.apply(jobRepository(dataSource, transactionManager)))
			.settings(settings)
			.throttles(throttles)
			.build();
	}

	private static JobRepository jobRepository(DataSource dataSource, DataSourceTransactionManager transactionManager) {
		JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
		factory.setDataSource(dataSource);
		factory.setTransactionManager(transactionManager);
		try {
			factory.afterPropertiesSet();
			return factory.getObject();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package dev.backfill.engine;

import javax.sql.DataSource;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The job repository an operator built without one uses: Spring Batch's JDBC repository
 * on the target database, so that a batch and its checkpoint share a transaction.
 */
final class JobRepositories {

	private JobRepositories() {
	}

	static JobRepository jdbc(DataSource dataSource, PlatformTransactionManager transactionManager) {
		JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
		factory.setDataSource(dataSource);
		factory.setTransactionManager(transactionManager);
		try {
			factory.afterPropertiesSet();
			return factory.getObject();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create the JDBC job repository of the backfills", ex);
		}
	}

}

package dev.backfill.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillThrottle;
import dev.backfill.Backfills;
import dev.backfill.InvalidBackfillException;
import dev.backfill.PartitionQueue;
import dev.backfill.ProgressListener;
import dev.backfill.Tuning;
import dev.backfill.engine.DefaultBackfillOperator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Auto-configures the backfill engine: collects every {@link Backfill} bean, creates the
 * library's tables ({@code BACKFILL_BATCH_LOG}, {@code BACKFILL_PAUSE} and
 * {@code BACKFILL_DISCREPANCY} under the default prefix) or upgrades an older batch log,
 * checks the declarations at startup (a {@code backfill} command checks them itself) and
 * exposes a {@link BackfillOperator}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = BatchJdbcAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "backfill.enabled", matchIfMissing = true)
@ConditionalOnBean({ DataSource.class, JobRepository.class, PlatformTransactionManager.class })
@EnableConfigurationProperties(BackfillProperties.class)
public final class BackfillAutoConfiguration {

	private static final Log logger = LogFactory.getLog(BackfillAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	Backfills backfills(ObjectProvider<Backfill> backfills) {
		return new Backfills(backfills.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean(BackfillOperator.class)
	DefaultBackfillOperator backfillOperator(Backfills backfills, DataSource dataSource,
			PlatformTransactionManager transactionManager, JobRepository jobRepository, BackfillProperties properties,
			ObjectProvider<BackfillThrottle> throttles, ObjectProvider<ProgressListener> listeners,
			ObjectProvider<PartitionQueue> partitionQueue) {
		// the built-ins first, then the application's own, in their order
		List<BackfillThrottle> beans = throttles.orderedStream().toList();
		List<BackfillThrottle> chain = new ArrayList<>(
				valid("backfill.throttle.*", () -> properties.getThrottle().toThrottles()));
		chain.addAll(beans);
		DefaultBackfillOperator.Builder operator = DefaultBackfillOperator.create(dataSource, backfills.all())
			.transactionManager(transactionManager)
			.jobRepository(jobRepository)
			.settings(valid("backfill.*", properties::toSettings))
			.throttles(chain)
			.listeners(listeners.orderedStream().toList());
		properties.getJobs().forEach((name, job) -> {
			List<BackfillThrottle> own = new ArrayList<>(
					valid("backfill.jobs." + name + ".throttle.*", () -> properties.toThrottles(job)));
			own.addAll(beans);
			operator.tuning(name, valid("backfill.jobs." + name + ".*",
					() -> new Tuning(properties.toSettings(job), own, properties.parallelism(job))));
		});
		partitionQueue.ifAvailable((queue) -> {
			BackfillProperties.Remote remote = properties.getRemote();
			valid("backfill.remote.*",
					() -> operator.partitionQueue(queue, remote.getPollInterval(), remote.getStaleAfter()));
		});
		return operator.build();
	}

	// a value out of range names the properties to correct, through the failure analyzer,
	// not as a stack trace
	private static <T> T valid(String properties, Supplier<T> built) {
		try {
			return built.get();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidBackfillException("Invalid " + properties + " properties: " + ex.getMessage()
					+ ". Correct them in the application's configuration or on the command line.");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	BackfillSchemaInitializer backfillSchemaInitializer(DataSource dataSource, BackfillProperties properties) {
		return new BackfillSchemaInitializer(dataSource, properties.getJdbc());
	}

	@Bean
	@ConditionalOnMissingBean
	BackfillShutdown backfillShutdown(BackfillOperator operator, BackfillProperties properties) {
		return new BackfillShutdown(operator, properties.getShutdownTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	StartupRuns backfillStartupRuns(BackfillOperator operator, BackfillProperties properties) {
		return new StartupRuns(operator, properties.getRunOnStartup(), properties.getShutdownTimeout());
	}

	// after every singleton, so schema initializers and migrations (Flyway, Liquibase)
	// have run; started as 'backfill COMMAND', the command checks them itself, so that it
	// exits with code 2 and the problems rather than failing to start
	@Bean
	@ConditionalOnBooleanProperty(name = "backfill.validate-on-startup", matchIfMissing = true)
	SmartInitializingSingleton backfillStartupValidation(BackfillOperator operator,
			ObjectProvider<ApplicationArguments> arguments) {
		return () -> {
			ApplicationArguments args = arguments.getIfAvailable();
			if (args == null || !args.getNonOptionArgs().stream().findFirst().filter("backfill"::equals).isPresent()) {
				operator.validate();
			}
		};
	}

	// a migration is not done until the old path is gone: say so at every start until it
	// is
	@Bean
	SmartInitializingSingleton backfillRemovalReminder(BackfillOperator operator) {
		return () -> {
			try {
				operator.removalsDue().forEach((notice) -> logger.warn("Backfill " + notice.message()));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not look for backfills due for removal", ex);
			}
		};
	}

}

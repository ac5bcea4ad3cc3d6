package dev.backfill.boot.flyway;

import dev.backfill.BackfillOperator;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.autoconfigure.BackfillProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures the contract step's gate for Flyway when Flyway is on the classpath: a
 * {@link ContractGateCallback}, which Spring Boot's Flyway integration runs with its
 * migrations.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = BackfillAutoConfiguration.class,
		beforeName = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration")
@ConditionalOnClass(name = "org.flywaydb.core.api.callback.Callback")
@ConditionalOnBean(BackfillOperator.class)
public final class BackfillFlywayAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ContractGateCallback backfillContractGateCallback(ApplicationContext context, BackfillProperties properties,
			Environment environment) {
		return new ContractGateCallback(context, properties.toSettings(),
				environment.getProperty("spring.batch.jdbc.table-prefix", "BATCH_"));
	}

}

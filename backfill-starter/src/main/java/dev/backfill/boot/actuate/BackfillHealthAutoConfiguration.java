package dev.backfill.boot.actuate;

import dev.backfill.BackfillOperator;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@code backfills} health indicator when Spring Boot's health
 * support is on the classpath; {@code management.health.backfills.enabled=false} leaves
 * it out.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = BackfillAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(BackfillOperator.class)
@ConditionalOnEnabledHealthIndicator("backfills")
public final class BackfillHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "backfillsHealthIndicator")
	BackfillsHealthIndicator backfillsHealthIndicator(BackfillOperator operator) {
		return new BackfillsHealthIndicator(operator);
	}

}

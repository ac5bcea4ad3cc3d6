package dev.backfill.boot.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link BackfillMetrics} when the application has a {@link MeterRegistry}
 * (Actuator, or one of its own).
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" },
		beforeName = "dev.backfill.boot.autoconfigure.BackfillAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
public final class BackfillMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(MeterRegistry.class)
	BackfillMetrics backfillMetrics(MeterRegistry registry) {
		return new BackfillMetrics(registry);
	}

}

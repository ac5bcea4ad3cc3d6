package dev.backfill.boot.cli;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * When the application is started as {@code backfill COMMAND}, defaults it to a quiet command-line tool: no web
 * server (a running instance of the same application keeps its port), no Spring Batch jobs of its own, no banner,
 * and warnings only in the log, since the command prints its own progress. Every default can be overridden.
 *
 * @since 0.1.0
 */
public class CliEnvironment implements EnvironmentPostProcessor {

	static final Map<String, Object> DEFAULTS = Map.of("spring.main.web-application-type", "none",
			"spring.batch.job.enabled", "false", "spring.main.banner-mode", "off", "logging.level.root", "WARN",
			// the command reports a failed batch itself, without Spring Batch's stack trace
			"logging.level.org.springframework.batch.core.step.AbstractStep", "OFF");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String words = environment.getProperty(CommandLinePropertySource.DEFAULT_NON_OPTION_ARGS_PROPERTY_NAME);
		if (words != null && (words.equals("backfill") || words.startsWith("backfill,"))) {
			environment.getPropertySources().addLast(new MapPropertySource("backfillCommandLine", DEFAULTS));
		}
	}

}

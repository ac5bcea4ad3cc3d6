package dev.backfill.boot.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * When the application is started as {@code backfill COMMAND}, defaults it to a quiet
 * command-line tool: no web server (a running instance of the same application keeps its
 * port), no Spring Batch jobs of its own, no banner, and warnings only in the log, since
 * the command prints its own progress; a lost connection shows as the engine's one WARN
 * line, without the stack traces the pool, the transaction infrastructure and Spring
 * Batch log for it. Every default can be overridden.
 * <p>
 * A command also starts without what it cannot use: the Actuator endpoint and the status
 * page (there is no web server), and the remote partitions' message flows, except for
 * {@code backfill worker} and a command given {@code --remote}. An application that sets
 * {@code spring.autoconfigure.exclude} itself replaces this list.
 *
 * @since 0.1.0
 */
public class CliEnvironment implements EnvironmentPostProcessor {

	static final Map<String, Object> DEFAULTS = Map.ofEntries(Map.entry("spring.main.web-application-type", "none"),
			Map.entry("spring.batch.job.enabled", "false"), Map.entry("spring.main.banner-mode", "off"),
			Map.entry("logging.level.root", "WARN"),
			// the command reports a failed batch itself, without Spring Batch's stack
			// trace
			Map.entry("logging.level.org.springframework.batch.core.step.AbstractStep", "OFF"),
			// a lost connection (a restart, a failover, pg_terminate_backend) is one WARN
			// line of the engine's, which says what it does about it; the pool's and the
			// transaction infrastructure's own reports of it, each with a stack trace,
			// are left out (set these loggers to WARN to see them)
			Map.entry("logging.level.com.zaxxer.hikari.pool.ProxyConnection", "ERROR"),
			Map.entry("logging.level.com.zaxxer.hikari.pool.PoolBase", "ERROR"),
			Map.entry("logging.level.org.springframework.transaction.support.TransactionTemplate", "OFF"),
			Map.entry("logging.level.org.springframework.transaction.interceptor.TransactionInterceptor", "OFF"),
			Map.entry("logging.level.org.springframework.jdbc.support.JdbcTransactionManager", "OFF"),
			Map.entry("logging.level.org.springframework.jdbc.datasource.DataSourceTransactionManager", "OFF"),
			Map.entry("logging.level.org.springframework.batch.core.step.tasklet.TaskletStep", "OFF"),
			// a session ended while Spring Batch rolls a batch back fails the job's
			// execution with "JDBC rollback failed", which it logs with a stack trace;
			// the
			// engine resumes the run from its checkpoint, or reports the failure itself
			Map.entry("logging.level.org.springframework.batch.core.job.AbstractJob", "OFF"));

	/** What no command uses: a command starts no web server. */
	static final List<String> WEB = List.of("dev.backfill.boot.actuate.BackfillEndpointAutoConfiguration",
			"dev.backfill.boot.actuate.BackfillHealthAutoConfiguration",
			"dev.backfill.boot.web.BackfillStatusPageAutoConfiguration");

	/** What only a worker and a command given --remote use. */
	static final String REMOTE = "dev.backfill.boot.remote.BackfillRemoteAutoConfiguration";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String words = environment.getProperty(CommandLinePropertySource.DEFAULT_NON_OPTION_ARGS_PROPERTY_NAME);
		if (words != null && (words.equals("backfill") || words.startsWith("backfill,"))) {
			Map<String, Object> defaults = new HashMap<>(DEFAULTS);
			List<String> excluded = new ArrayList<>(WEB);
			boolean remote = words.equals("backfill,worker") || words.startsWith("backfill,worker,")
					|| environment.containsProperty("remote");
			if (!remote) {
				excluded.add(REMOTE);
			}
			defaults.put("spring.autoconfigure.exclude", String.join(",", excluded));
			environment.getPropertySources().addLast(new MapPropertySource("backfillCommandLine", defaults));
		}
	}

}

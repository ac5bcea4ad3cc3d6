package dev.backfill.boot;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillState;
import dev.backfill.BackfillThrottle;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.metrics.BackfillMetricsAutoConfiguration;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.DatabaseTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Micrometer meters and the batch-boundary log of a run, checked against the batch log on
 * real PostgreSQL.
 */
@ExtendWith(OutputCaptureExtension.class)
class BackfillMetricsTests extends DatabaseTest {

	private static final int ROWS = 9_000;

	@BeforeAll
	static void createTables() {
		for (String table : List.of("metered", "logged")) {
			jdbc.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, doubled bigint)").update();
			jdbc.sql("INSERT INTO " + table + " (id) SELECT g FROM generate_series(1, ?) g").param(ROWS).update();
		}
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
				BatchJdbcAutoConfiguration.class, BackfillAutoConfiguration.class,
				BackfillMetricsAutoConfiguration.class))
		.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
		.withBean(SimpleMeterRegistry.class)
		.withUserConfiguration(Metered.class)
		.withPropertyValues("backfill.batch-size=1000", "backfill.target-batch-duration=0",
				"backfill.lock-timeout=200ms", "backfill.retry.backoff=100ms", "backfill.retry.max-attempts=30");

	@Test
	void metersAfterARunMatchItsBatchLog() throws Exception {
		this.runner.run((context) -> {
			CompletableFuture<Void> released = holdRowLock(4_500, Duration.ofSeconds(20));
			BackfillOperator operator = context.getBean(BackfillOperator.class);
			assertThat(operator.run("metered", RunOptions.defaults(), ProgressListener.NONE).state())
				.isEqualTo(BackfillState.COMPLETED);
			released.get(10, TimeUnit.SECONDS);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			JdbcBatchLog log = new JdbcBatchLog(jdbc, "BACKFILL_");
			List<BatchRecord> batches = log.find("metered");

			assertThat(registry.get("backfill.rows").tag("backfill", "metered").counter().count())
				.isEqualTo(batches.stream().mapToLong(BatchRecord::rowsAffected).sum())
				.isEqualTo(ROWS);
			assertThat(registry.get("backfill.batch.duration").tag("backfill", "metered").timer().count())
				.isEqualTo(batches.size());
			assertThat(registry.get("backfill.batch.duration")
				.tag("backfill", "metered")
				.timer()
				.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(batches.stream().mapToLong(BatchRecord::durationMs).sum());
			assertThat(registry.get("backfill.batch.size").tag("backfill", "metered").gauge().value())
				.isEqualTo(batches.get(batches.size() - 1).keys());
			assertThat(registry.get("backfill.rows.remaining").tag("backfill", "metered").gauge().value()).isZero();
			assertThat(registry.get("backfill.eta").tag("backfill", "metered").gauge().value()).isZero();
			// each failed attempt in the log is a retry
			long retried = log.failures("metered").stream().filter((f) -> f.retried()).count();
			assertThat(retried).isPositive();
			assertThat(registry.get("backfill.retries")
				.tags("backfill", "metered", "sqlstate", "55P03", "outcome", "retried")
				.counter()
				.count()).isEqualTo(retried);
			// the throttle held the run once, for about 300 ms
			assertThat(registry.get("backfill.throttled")
				.tags("backfill", "metered", "reason", "OnceThrottle")
				.counter()
				.count()).isBetween(0.25, 5.0);
		});
	}

	@Test
	void batchBoundariesAreLoggedWithKeyValuePairsThatStructuredLoggingRenders(CapturedOutput output) {
		SpringApplication application = new SpringApplication(Logged.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run(
				"--spring.datasource.url=" + dataSource.getJdbcUrl(),
				"--spring.datasource.username=" + dataSource.getUsername(),
				"--spring.datasource.password=" + ((dataSource.getPassword() != null) ? dataSource.getPassword() : ""),
				"--logging.config=classpath:dev/backfill/boot/structured-logback.xml",
				"--logging.structured.format.console=logstash", "--spring.batch.job.enabled=false",
				"--backfill.batch-size=3000", "--backfill.target-batch-duration=0")) {
			context.getBean(BackfillOperator.class).run("logged", RunOptions.defaults(), ProgressListener.NONE);
		}
		assertThat(output.getOut())
			.contains("\"backfill\":\"logged\",\"batch\":1,\"from\":\"1\",\"to\":\"3000\","
					+ "\"rows\":3000,\"keys\":3000,\"ms\":")
			.contains("\"backfill\":\"logged\",\"batch\":3,\"from\":\"6000\",\"to\":\"9000\",\"rows\":3000");
	}

	// holds the lock until the run has logged a retried attempt at it (at most the given
	// time), so the test does not depend on how fast the machine reaches the row
	private static CompletableFuture<Void> holdRowLock(long id, Duration atMost) throws Exception {
		AtomicBoolean locked = new AtomicBoolean();
		CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
			try (Connection connection = dataSource.getConnection();
					Statement statement = connection.createStatement()) {
				connection.setAutoCommit(false);
				statement.execute("SELECT 1 FROM metered WHERE id = " + id + " FOR UPDATE");
				locked.set(true);
				long deadline = System.nanoTime() + atMost.toNanos();
				while (System.nanoTime() < deadline && jdbc
					.sql("SELECT count(*) FROM BACKFILL_BATCH_LOG "
							+ "WHERE BACKFILL_NAME = 'metered' AND OUTCOME = 'RETRIED'")
					.query(Long.class)
					.single() == 0) {
					Thread.sleep(50);
				}
				connection.rollback();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		while (!locked.get()) {
			Thread.sleep(10);
		}
		return done;
	}

	@Configuration(proxyBeanMethods = false)
	static class Metered {

		@Bean
		static Backfill metered() {
			return Backfill.sql("metered")
				.table("metered")
				.key("id")
				.pending("doubled IS NULL")
				.update("UPDATE metered SET doubled = id * 2 WHERE id > :from AND id <= :to AND doubled IS NULL")
				.rollback("UPDATE metered SET doubled = NULL WHERE id > :from AND id <= :to")
				.build();
		}

		@Bean
		static OnceThrottle onceThrottle() {
			return new OnceThrottle();
		}

	}

	/** Holds the run once, before its first batch, for 300 ms. */
	static class OnceThrottle implements BackfillThrottle {

		private final AtomicBoolean held = new AtomicBoolean();

		@Override
		public Decision check(Context context) {
			return this.held.compareAndSet(false, true) ? Decision.hold("a test hold", Duration.ofMillis(300))
					: Decision.proceed();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Logged {

		@Bean
		static Backfill logged() {
			return Backfill.sql("logged")
				.table("logged")
				.key("id")
				.pending("doubled IS NULL")
				.update("UPDATE logged SET doubled = id * 2 WHERE id > :from AND id <= :to AND doubled IS NULL")
				.rollback("UPDATE logged SET doubled = NULL WHERE id > :from AND id <= :to")
				.build();
		}

	}

}

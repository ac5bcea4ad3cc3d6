package dev.backfill.boot.flyway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.backfill.BackfillException;
import dev.backfill.BackfillNotReadyException;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillSettings;
import dev.backfill.NoSuchBackfillException;
import dev.backfill.Readiness;
import dev.backfill.engine.DefaultBackfillOperator;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.Configuration;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * Refuses a Flyway SQL migration that says it requires backfills, with a line such as
 * {@code -- backfill:requires normalize-emails} (names separated by commas or spaces),
 * until each one's latest run completed and a verify after it passed. It checks before
 * the migration's first statement, so a refused contract step changes nothing, and fails
 * the migration with a {@link BackfillNotReadyException} that says why.
 * <p>
 * It runs while Flyway migrates, before the application's job repository and backfill
 * operator exist (they wait for the migrations), so it reads Spring Batch's tables
 * itself, through the data source Flyway migrates, and needs no declaration: a backfill
 * removed in the release that contracts the schema still answers from its record.
 *
 * @since 0.3.0
 */
public final class ContractGateCallback implements Callback {

	/** The marker line of a migration that requires backfills. */
	static final Pattern MARKER = Pattern.compile("^\\s*--\\s*backfill:requires\\s+(.+)$",
			Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

	private final ResourcePatternResolver resources;

	private final BackfillSettings settings;

	private final String batchTablePrefix;

	/**
	 * @param resources finds a migration's script on the classpath or the file system
	 * @param settings the backfills' settings (their tables' prefix)
	 * @param batchTablePrefix Spring Batch's tables' prefix, such as {@code BATCH_}
	 */
	public ContractGateCallback(ResourcePatternResolver resources, BackfillSettings settings, String batchTablePrefix) {
		this.resources = resources;
		this.settings = settings;
		this.batchTablePrefix = batchTablePrefix;
	}

	@Override
	public boolean supports(Event event, Context context) {
		return event == Event.BEFORE_EACH_MIGRATE;
	}

	@Override
	public boolean canHandleInTransaction(Event event, Context context) {
		return true;
	}

	@Override
	public void handle(Event event, Context context) {
		MigrationInfo migration = context.getMigrationInfo();
		if (migration == null) {
			return;
		}
		Configuration configuration = context.getConfiguration();
		Set<String> names = required(script(configuration, migration));
		if (names.isEmpty()) {
			return;
		}
		BackfillOperator gate = gate(configuration.getDataSource());
		List<Readiness> notReady = new ArrayList<>();
		for (String name : names) {
			Readiness readiness = readiness(gate, name);
			if (!readiness.ready()) {
				notReady.add(readiness);
			}
		}
		if (!notReady.isEmpty()) {
			throw new BackfillNotReadyException(describe(migration), notReady);
		}
	}

	@Override
	public String getCallbackName() {
		return "backfill contract gate";
	}

	/**
	 * Reads the backfills a migration requires from its marker lines.
	 * @param script a migration's text
	 * @return the backfills its marker lines name, in order
	 */
	public static Set<String> required(String script) {
		Set<String> names = new LinkedHashSet<>();
		Matcher matcher = MARKER.matcher(script);
		while (matcher.find()) {
			Arrays.stream(matcher.group(1).trim().split("[,\\s]+"))
				.filter((name) -> !name.isEmpty())
				.forEach(names::add);
		}
		return names;
	}

	private static String describe(MigrationInfo migration) {
		String version = (migration.getVersion() != null) ? migration.getVersion().getVersion() : "(repeatable)";
		return "Flyway migration " + version + " (" + migration.getDescription() + ", " + migration.getScript() + ")";
	}

	// the script Flyway is about to run, found again where Flyway found it; a Java
	// migration has none to mark. A SQL script that cannot be found again is refused:
	// the gate cannot tell whether it requires a backfill
	private String script(Configuration configuration, MigrationInfo migration) {
		String script = migration.getScript();
		if (script == null || Arrays.stream(configuration.getSqlMigrationSuffixes())
			.noneMatch((suffix) -> script.toLowerCase(Locale.ROOT).endsWith(suffix.toLowerCase(Locale.ROOT)))) {
			return "";
		}
		String file = script.substring(Math.max(script.lastIndexOf('/'), script.lastIndexOf('\\')) + 1);
		Charset encoding = configuration.getEncoding();
		for (Location location : configuration.getLocations()) {
			String root = location.isClassPath() ? "classpath*:" + location.getPath()
					: location.isFileSystem() ? "file:" + location.getPath() : null;
			if (root == null) {
				continue;
			}
			try {
				for (Resource resource : this.resources.getResources(root + "/**/" + file)) {
					if (resource.isReadable()) {
						try (InputStream in = resource.getInputStream()) {
							// a byte order mark does not hide a marker on the first line
							return new String(in.readAllBytes(), encoding).replace("\uFEFF", "");
						}
					}
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException("Could not read Flyway migration " + script + " under " + location
						+ " to look for backfills it requires", ex);
			}
		}
		throw new BackfillException("Flyway migration " + script + " was not found again under "
				+ Arrays.toString(configuration.getLocations()) + " (classpath: and filesystem: locations are read) "
				+ "to look for the backfills it requires, so it did not run. Move it to such a location, or leave "
				+ "the gate out with spring.autoconfigure.exclude="
				+ "dev.backfill.boot.flyway.BackfillFlywayAutoConfiguration.");
	}

	private static Readiness readiness(BackfillOperator gate, String name) {
		try {
			return gate.readiness(name);
		}
		catch (NoSuchBackfillException ex) {
			return new Readiness(name, Readiness.Verdict.NEVER_RUN,
					"never ran here: the job repository records no run of it: run 'backfill run " + name
							+ "', then 'backfill verify " + name
							+ "' (or correct the name on the migration's 'backfill:requires' line)");
		}
		catch (DataAccessException ex) {
			// the first deploy: Spring Batch's tables come after the migrations
			return new Readiness(name, Readiness.Verdict.NEVER_RUN,
					"never ran here: the job repository cannot be read (" + ex.getMostSpecificCause().getMessage()
							+ ")");
		}
	}

	private BackfillOperator gate(DataSource dataSource) {
		JdbcTransactionManager transactionManager = new JdbcTransactionManager(dataSource);
		JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
		factory.setDataSource(dataSource);
		factory.setTransactionManager(transactionManager);
		factory.setTablePrefix(this.batchTablePrefix);
		JobRepository jobRepository;
		try {
			factory.afterPropertiesSet();
			jobRepository = factory.getObject();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not read Spring Batch's job repository for the backfill gate", ex);
		}
		return DefaultBackfillOperator.create(dataSource, List.of())
			.transactionManager(transactionManager)
			.jobRepository(jobRepository)
			.settings(this.settings)
			.build();
	}

}

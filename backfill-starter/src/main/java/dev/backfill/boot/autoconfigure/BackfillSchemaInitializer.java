package dev.backfill.boot.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * Creates the library's tables, as Boot's batch initializer creates Spring Batch's.
 *
 * @since 0.1.0
 */
public class BackfillSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/**
	 * Creates the initializer.
	 * @param dataSource the job repository's database
	 * @param properties the JDBC properties
	 */
	public BackfillSchemaInitializer(DataSource dataSource, BackfillProperties.Jdbc properties) {
		super(dataSource, settings(properties));
	}

	private static DatabaseInitializationSettings settings(BackfillProperties.Jdbc properties) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of(properties.getSchema()));
		settings.setMode(properties.getInitializeSchema());
		// the script holds a DO block, which splitting at semicolons would break; PostgreSQL runs it whole
		settings.setSeparator(ScriptUtils.EOF_STATEMENT_SEPARATOR);
		return settings;
	}

}

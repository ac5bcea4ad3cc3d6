package dev.backfill.boot.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import dev.backfill.BackfillSchema;
import dev.backfill.MissingPrivilegeException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * Creates the library's tables, or adds the columns an older batch log lacks, as Boot's
 * batch initializer creates Spring Batch's ({@link BackfillSchema}). When they are in
 * place it runs nothing, so that a role that may only read starts
 * ({@code CREATE TABLE IF NOT EXISTS} still needs the CREATE privilege); when they are
 * missing and the role may not create them, it leaves them to the first work that needs
 * them, which says so.
 *
 * @since 0.1.0
 */
public class BackfillSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	private static final Log logger = LogFactory.getLog(BackfillSchemaInitializer.class);

	private final BackfillSchema schema;

	private final DatabaseInitializationMode mode;

	/**
	 * Creates the initializer.
	 * @param dataSource the job repository's database
	 * @param properties the JDBC properties
	 */
	public BackfillSchemaInitializer(DataSource dataSource, BackfillProperties.Jdbc properties) {
		super(dataSource, settings(properties));
		this.schema = new BackfillSchema(dataSource, properties.getTablePrefix());
		this.mode = properties.getInitializeSchema();
	}

	private static DatabaseInitializationSettings settings(BackfillProperties.Jdbc properties) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of(properties.getSchema()));
		settings.setMode(properties.getInitializeSchema());
		// the script holds a DO block, which splitting at semicolons would break;
		// PostgreSQL runs it whole
		settings.setSeparator(ScriptUtils.EOF_STATEMENT_SEPARATOR);
		return settings;
	}

	@Override
	public boolean initializeDatabase() {
		if (this.mode == DatabaseInitializationMode.NEVER || this.schema.inPlace()) {
			return false;
		}
		try {
			return super.initializeDatabase();
		}
		catch (RuntimeException ex) {
			if (!MissingPrivilegeException.refused(ex)) {
				throw ex;
			}
			// reports on what the tables hold need no DDL; the work that needs the tables
			// names what is missing
			String why = this.schema.whyRoleMayNotCreate();
			logger.info("Backfill tables not created or updated: "
					+ ((why != null) ? why : NestedExceptionUtils.getMostSpecificCause(ex).getMessage()));
			return false;
		}
	}

}

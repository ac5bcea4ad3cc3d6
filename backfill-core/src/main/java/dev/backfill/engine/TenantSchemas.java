package dev.backfill.engine;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;

import dev.backfill.Backfill;
import dev.backfill.InvalidBackfillException;
import dev.backfill.Schemas;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The schemas a declaration over schemas runs in, listed at each use: those of the
 * database whose names match its pattern (never the system's), or those its bean lists,
 * in name order.
 */
final class TenantSchemas {

	private static final String MATCHING = """
			SELECT nspname FROM pg_namespace
			WHERE nspname LIKE :like ESCAPE '\\' AND nspname NOT LIKE 'pg\\_%' ESCAPE '\\'
			  AND nspname <> 'information_schema'
			ORDER BY nspname COLLATE "C\"""";

	/** What a statement that sets a schema walk's search path adds to a select list. */
	static final String SEARCH_PATH = ", set_config('search_path', :schema || ', ' || current_setting('search_path'), "
			+ "true)";

	private TenantSchemas() {
	}

	/**
	 * @param backfill a declaration over schemas
	 * @param jdbc a client on the target database
	 * @return its schemas, in name order; possibly none
	 * @throws InvalidBackfillException when its bean fails or lists an invalid name
	 */
	static List<String> of(Backfill backfill, JdbcClient jdbc) {
		Schemas schemas = Objects.requireNonNull(backfill.schemas(), "schemas");
		if (schemas.like() != null) {
			return jdbc.sql(MATCHING).param("like", schemas.like()).query(String.class).list();
		}
		Collection<String> listed;
		try {
			listed = Objects.requireNonNull(schemas.listed()).get();
		}
		catch (RuntimeException ex) {
			throw new InvalidBackfillException("Backfill '" + backfill.name() + "': the bean that lists its schemas "
					+ "failed: " + DefaultBackfillOperator.rootMessage(ex) + ". Correct it, or declare a pattern, "
					+ ".schemas(\"tenant_*\").");
		}
		TreeSet<String> sorted = new TreeSet<>();
		for (String schema : (listed != null) ? listed : List.<String>of()) {
			// a name is validated as the walk of its schema is made
			sorted.add(backfill.inSchema(schema).schema());
		}
		return List.copyOf(sorted);
	}

	/**
	 * The walks of a declaration: one per schema for a declaration over schemas, else
	 * itself.
	 * @param backfill the declaration
	 * @param jdbc a client on the target database
	 * @return the walks, in schema order
	 */
	static List<Backfill> walks(Backfill backfill, JdbcClient jdbc) {
		if (backfill.schemas() == null) {
			return List.of(backfill);
		}
		return of(backfill, jdbc).stream().map(backfill::inSchema).toList();
	}

	/**
	 * @param backfill the walk of one schema
	 * @return the parameter {@link #SEARCH_PATH} binds: the walk's schema, quoted
	 */
	static String schemaParameter(Backfill backfill) {
		return "\"" + Objects.requireNonNull(backfill.schema()).replace("\"", "\"\"") + "\"";
	}

	/**
	 * @param backfill a declaration, or the walk of one schema
	 * @return what to add to the select list of a statement that sets a transaction's
	 * timeouts: the schema first on its search path, for the walk of one schema; nothing
	 * otherwise
	 */
	static String searchPath(Backfill backfill) {
		return (backfill.schema() != null) ? SEARCH_PATH : "";
	}

	/**
	 * Runs work that plans or reads a backfill's pending condition outside a batch: for
	 * the walk of one schema, in a read-only transaction with the schema first on its
	 * search path, so that a condition naming another of the tenant's tables reads the
	 * tenant's; otherwise as it is.
	 * @param transactionManager the transactions of the client's database
	 * @param jdbc the client the work uses
	 * @param backfill the backfill
	 * @param work the work
	 * @param <T> what it returns
	 * @return what it returned
	 */
	static <T> T onSearchPath(PlatformTransactionManager transactionManager, JdbcClient jdbc, Backfill backfill,
			Supplier<T> work) {
		if (backfill.schema() == null) {
			return work.get();
		}
		TransactionTemplate transaction = new TransactionTemplate(transactionManager);
		transaction.setReadOnly(true);
		return transaction.execute((tx) -> {
			bindSearchPath(jdbc.sql("SELECT 1" + SEARCH_PATH), backfill).query().listOfRows();
			return work.get();
		});
	}

	/**
	 * Binds the schema of a walk's search path, when it has one.
	 * @param statement a statement with {@link #searchPath(Backfill)} in it
	 * @param backfill the backfill
	 * @return the statement
	 */
	static JdbcClient.StatementSpec bindSearchPath(JdbcClient.StatementSpec statement, Backfill backfill) {
		return (backfill.schema() != null) ? statement.param("schema", schemaParameter(backfill)) : statement;
	}

}

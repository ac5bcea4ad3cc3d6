package dev.backfill.faults;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * A data source whose statements and commits go through a {@link FaultInjector}, each
 * named by its SQL text: JDK proxies over the connections and statements of another data
 * source.
 */
final class InterceptedDataSource {

	/** The run lock's {@code pg_try_advisory_lock}. */
	static final String LOCK = "lock.acquire";

	// a bound parameter, or a composite key's row of them: ? or (?, ?)
	private static final String BOUND = "(\\?|\\(\\?(, \\?)+\\))";

	/**
	 * Events by the SQL they match, first match wins; any other statement is
	 * {@code sql.other}.
	 */
	private static final List<Map.Entry<Pattern, String>> EVENTS = List.of(event("pg_try_advisory_lock", LOCK),
			event("set_config\\('statement_timeout'", "sql.timeouts"), event(" OFFSET \\? LIMIT 1$", "sql.probe"),
			event("^SELECT .* WHERE .* > " + BOUND + " AND .* <= " + BOUND + " AND \\(.*\\) (IS NOT TRUE )?ORDER BY",
					"sql.read"),
			event("^INSERT INTO BACKFILL_BATCH_LOG", "sql.log"),
			event("^INSERT INTO BACKFILL_DISCREPANCY", "sql.discrepancies"),
			event("^UPDATE BATCH_STEP_EXECUTION_CONTEXT", "sql.step-context"),
			event("^UPDATE BATCH_JOB_EXECUTION_CONTEXT", "sql.job-context"),
			event("^UPDATE BATCH_STEP_EXECUTION ", "sql.step-execution"),
			event("^UPDATE BATCH_JOB_EXECUTION ", "sql.job-execution"),
			event("^INSERT INTO BATCH_", "sql.batch-insert"), event("^UPDATE ", "sql.work"));

	private InterceptedDataSource() {
	}

	static DataSource wrap(DataSource target, FaultInjector injector) {
		return proxy(DataSource.class, target, (proxy, method, args) -> {
			Object result = invoke(target, method, args);
			return (result instanceof Connection connection) ? connection(connection, injector) : result;
		});
	}

	/**
	 * @return the event a statement is, by its text
	 */
	static String event(String sql) {
		String text = sql.strip().replaceAll("\\s+", " ");
		return EVENTS.stream()
			.filter((e) -> e.getKey().matcher(text).find())
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse("sql.other");
	}

	private static Connection connection(Connection target, FaultInjector injector) {
		return proxy(Connection.class, target, (proxy, method, args) -> switch (method.getName()) {
			case "prepareStatement" ->
				statement(PreparedStatement.class, invoke(target, method, args), target, (String) args[0], injector);
			case "prepareCall" ->
				statement(CallableStatement.class, invoke(target, method, args), target, (String) args[0], injector);
			case "createStatement" -> statement(Statement.class, invoke(target, method, args), target, null, injector);
			case "commit" -> injector.statement("sql.commit", target, () -> invoke(target, method, args));
			default -> invoke(target, method, args);
		});
	}

	private static Object statement(Class<? extends Statement> type, @Nullable Object target, Connection connection,
			@Nullable String sql, FaultInjector injector) {
		return proxy(type, target, (proxy, method, args) -> {
			if (!method.getName().startsWith("execute")) {
				return invoke(target, method, args);
			}
			String text = (args != null && args.length > 0 && args[0] instanceof String s) ? s : sql;
			return injector.statement(event(String.valueOf(text)), connection, () -> invoke(target, method, args));
		});
	}

	// equality is the proxy's own, so that Spring finds the connection it bound to a
	// transaction
	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, @Nullable Object target, InvocationHandler handler) {
		return (T) Proxy.newProxyInstance(InterceptedDataSource.class.getClassLoader(), new Class<?>[] { type },
				(proxy, method, args) -> switch (method.getName()) {
					case "equals" -> proxy == args[0];
					case "hashCode" -> System.identityHashCode(proxy);
					case "toString" -> "intercepted " + target;
					default -> handler.invoke(proxy, method, args);
				});
	}

	static @Nullable Object invoke(@Nullable Object target, Method method, Object @Nullable [] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private static Map.Entry<Pattern, String> event(String regex, String event) {
		return Map.entry(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), event);
	}

}

package dev.backfill.boot;

import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.BackfillState;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An on-call engineer's role that may only read (no CREATE on the schema, no UPDATE, no
 * INSERT) reports on backfills a writer ran, from the command line and the endpoint, and
 * is refused the commands that write, with exit code 2.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReadOnlyCommandTests extends DatabaseTest {

	private static String role;

	private static String url;

	@BeforeAll
	static void aWriterRunsTheBackfillThenAReadOnlyRoleLooksAtIt() {
		jdbc.sql("""
				CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
				INSERT INTO customers (id, email) SELECT g, 'User' || g || '@X.org' FROM generate_series(1, 3000) g""")
			.update();
		DefaultBackfillOperator writer = TestOperators.operator(dataSource, Customers.lowerEmails());
		assertThat(writer.run("lower-emails", new RunOptions(1000), ProgressListener.NONE).state())
			.isEqualTo(BackfillState.COMPLETED);
		assertThat(writer.verify("lower-emails").passed()).isTrue();
		String database = jdbc.sql("SELECT current_database()").query(String.class).single();
		// roles belong to the server, which other builds share: one of this database's
		// own
		role = "oncall_" + database.substring(database.length() - 12);
		jdbc.sql("CREATE ROLE " + role + " LOGIN PASSWORD '" + role + "'").update();
		jdbc.sql("GRANT CONNECT ON DATABASE " + database + " TO " + role).update();
		jdbc.sql("GRANT USAGE ON SCHEMA public TO " + role).update();
		jdbc.sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role).update();
		jdbc.sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC").update();
		url = dataSource.getJdbcUrl();
	}

	@AfterAll
	static void dropTheRole() {
		if (role != null) {
			jdbc.sql("DROP OWNED BY " + role).update();
			jdbc.sql("DROP ROLE " + role).update();
		}
	}

	@Test
	void statusAndListAnswerForARoleThatMayOnlyRead(CapturedOutput output) {
		assertThat(asOncall("backfill", "status", "lower-emails")).isZero();
		assertThat(output.getOut()).contains("lower-emails")
			.contains("COMPLETED")
			.contains("3,000")
			.contains("no discrepancy");

		int from = output.getOut().length();
		assertThat(asOncall("backfill", "status", "lower-emails", "--json")).isZero();
		Map<String, Object> status = JsonParserFactory.getJsonParser().parseMap(json(output, from));
		assertThat(status).containsEntry("name", "lower-emails")
			.containsEntry("state", "COMPLETED")
			.containsEntry("lastKey", "3000");
		assertThat(((Number) status.get("rowsDone")).longValue()).isEqualTo(3000);

		from = output.getOut().length();
		assertThat(asOncall("backfill", "list")).isZero();
		assertThat(output.getOut().substring(from)).contains("lower-emails").contains("customers").contains("rollback");

		from = output.getOut().length();
		assertThat(asOncall("backfill", "list", "--json")).isZero();
		assertThat(JsonParserFactory.getJsonParser().parseList(json(output, from))).hasSize(1);
		assertThat(output.getOut().substring(from)).contains("\"name\":\"lower-emails\"")
			.contains("\"removalDue\":false");
		assertThat(output.getOut()).doesNotContain("\tat ").doesNotContain("APPLICATION FAILED TO START");
		// nothing was created or written by it
		assertThat(count("SELECT count(*) FROM BATCH_JOB_INSTANCE")).isEqualTo(2);
	}

	@Test
	void commandsThatWriteRefuseARoleThatMayOnlyReadWithExitCode2(CapturedOutput output) {
		assertThat(asOncall("backfill", "run", "lower-emails")).isEqualTo(2);
		assertThat(output.getOut()).contains("Cannot run backfill 'lower-emails' as role " + role)
			.contains("UPDATE on customers")
			.contains("GRANT");
		for (String command : new String[] { "rollback", "dry-run", "verify" }) {
			int from = output.getOut().length();
			assertThat(asOncall("backfill", command, "lower-emails")).as(command).isEqualTo(2);
			assertThat(output.getOut().substring(from)).as(command).contains("as role " + role).contains("GRANT");
		}
		// refused by the database itself, in its words
		int from = output.getOut().length();
		assertThat(asOncall("backfill", "pause", "lower-emails")).isEqualTo(2);
		assertThat(output.getOut().substring(from)).contains("permission denied for table backfill_pause")
			.contains("grant this one the privilege");
		assertThat(output.getOut()).doesNotContain("\tat ").doesNotContain("APPLICATION FAILED TO START");
		assertThat(count("SELECT count(*) FROM BATCH_JOB_INSTANCE")).isEqualTo(2);
	}

	@Test
	void missingTablesTheRoleMayNotCreateAreNamedWithTheFix(CapturedOutput output) {
		assertThat(asOncall("backfill", "status", "--backfill.jdbc.table-prefix=READONLY_")).isEqualTo(2);
		assertThat(output.getOut()).contains("READONLY_BATCH_LOG, READONLY_PAUSE, READONLY_DISCREPANCY")
			.contains("role " + role + " may not create tables (no CREATE on schema public)")
			.contains("schema-postgresql.sql")
			.doesNotContain("\tat ");
	}

	@Test
	void theEndpointAnswersReadsForARoleThatMayOnlyRead() {
		HikariDataSource oncall = new HikariDataSource();
		oncall.setJdbcUrl(url);
		oncall.setUsername(role);
		oncall.setPassword(role);
		try (oncall; WebApp app = WebApp.start(oncall, Customers.class, WebApp.WITHOUT_SECURITY)) {
			WebApp.Response response = app.get("/actuator/backfills/lower-emails");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.<String>json("$.backfill.state")).isEqualTo("COMPLETED");
			assertThat(response.<Integer>json("$.backfill.rowsDone")).isEqualTo(3000);
		}
	}

	private static int asOncall(String... command) {
		return CommandApp.run(url, role, role, Customers.class, command);
	}

	// the JSON line a command printed after a point of the output (logs may come before
	// it)
	private static String json(CapturedOutput output, int from) {
		return output.getOut()
			.substring(from)
			.lines()
			.filter((l) -> l.startsWith("{") || l.startsWith("["))
			.reduce((a, b) -> b)
			.orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	static class Customers {

		@Bean
		static Backfill lowerEmails() {
			return LowerEmails.on("lower-emails", "customers").build();
		}

	}

}

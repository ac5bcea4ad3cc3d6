package dev.backfill.sample;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's backfill over every tenant's schema ({@code tenant-emails}) and its
 * backfill by a composite key ({@code line-amounts}), from the command line.
 */
class TenantAndCompositeTests extends DatabaseTest {

	@Test
	void tenantEmailsWalksEveryTenantSchemaAndItsGateWaitsForEachOne() {
		SampleCommands.runExpecting(6, dataSource, "backfill", "check", "tenant-emails");
		SampleCommands.run(dataSource, "backfill", "run", "tenant-emails");
		for (String schema : List.of("tenant_alpha", "tenant_beta", "tenant_gamma")) {
			assertThat(count("SELECT count(*) FROM " + schema + ".accounts WHERE email_lower IS DISTINCT FROM "
					+ "lower(email)"))
				.as(schema)
				.isZero();
		}
		SampleCommands.runExpecting(6, dataSource, "backfill", "check", "tenant-emails");
		SampleCommands.run(dataSource, "backfill", "verify", "tenant-emails");
		SampleCommands.run(dataSource, "backfill", "check", "tenant-emails");

		String status = output("backfill", "status", "tenant-emails");
		assertThat(status).contains("over 3 schemas, one by one:")
			.containsPattern("tenant-emails@tenant_alpha\\s+COMPLETED\\s+12,000")
			.containsPattern("tenant-emails@tenant_beta\\s+COMPLETED\\s+8,000")
			.containsPattern("tenant-emails@tenant_gamma\\s+COMPLETED\\s+3,000");
		assertThat(output("backfill", "status", "tenant-emails", "--json"))
			.contains("\"name\":\"tenant-emails@tenant_beta\"");

		// a tenant's rows broken since: its verify finds them, and the gate names it
		jdbc.sql("UPDATE tenant_beta.accounts SET email_lower = 'wrong' WHERE id <= 10").update();
		SampleCommands.runExpecting(1, dataSource, "backfill", "verify", "tenant-emails");
		assertThat(output("backfill", "check", "tenant-emails"))
			.contains("schema tenant_beta (tenant-emails@tenant_beta)");
	}

	@Test
	void lineAmountsWalksOrderLinesByTheirCompositeKey() {
		SampleCommands.run(dataSource, "backfill", "run", "line-amounts");
		SampleCommands.run(dataSource, "backfill", "verify", "line-amounts");
		assertThat(count("SELECT count(*) FROM order_lines WHERE amount_cents IS DISTINCT FROM quantity * unit_cents"))
			.isZero();
		assertThat(output("backfill", "status", "line-amounts")).contains("[10000, 3]");
		SampleCommands.run(dataSource, "backfill", "rollback", "line-amounts");
		assertThat(count("SELECT count(*) FROM order_lines WHERE amount_cents IS NOT NULL")).isZero();
	}

	// what a command printed
	private static String output(String... command) {
		PrintStream out = System.out;
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
		try {
			SampleCommands.runExpecting((command[1].equals("check")) ? 6 : 0, dataSource, command);
		}
		finally {
			System.setOut(out);
		}
		return printed.toString(StandardCharsets.UTF_8);
	}

}

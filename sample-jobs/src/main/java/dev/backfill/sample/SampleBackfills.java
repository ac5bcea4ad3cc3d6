package dev.backfill.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

import dev.backfill.Backfill;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sample backfills: over {@code customers}, one in SQL and one in Java; over
 * {@code orders}, the one the sample's Flyway migrations contract; over
 * {@code order_lines}, one by a composite key; over the {@code accounts} of every
 * {@code tenant_*} schema, one per schema; and, with {@code sample.enrich.enabled=true},
 * one in Java bound by the latency of an HTTP service.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
public class SampleBackfills {

	/**
	 * Fills {@code email_normalized} with the trimmed, lower-case email, one set-based
	 * UPDATE per key range.
	 * @return the declaration
	 */
	@Bean
	Backfill normalizeEmails() {
		return Backfill.sql("normalize-emails")
			.table("customers")
			.key("id")
			.pending("email_normalized IS NULL")
			.update("""
					UPDATE customers SET email_normalized = lower(trim(email))
					WHERE id > :from AND id <= :to AND email_normalized IS NULL""")
			.rollback("UPDATE customers SET email_normalized = NULL WHERE id > :from AND id <= :to")
			.verify("""
					SELECT id, 'email_normalized is ' || email_normalized || ', expected ' || lower(trim(email))
					FROM customers WHERE id > :from AND id <= :to AND email_normalized <> lower(trim(email))""")
			.removeOldPath(Duration.ofDays(30), "stop reading customers.email for lookups, then remove this backfill")
			.build();
	}

	/**
	 * Fills {@code orders.total} from {@code total_cents}: the backfill of the sample's
	 * Flyway sequence (db/migration expands, db/contract contracts once this one is done
	 * and verified).
	 * @return the declaration
	 */
	@Bean
	Backfill orderTotals() {
		return Backfill.sql("order-totals")
			.table("orders")
			.key("id")
			.pending("total IS NULL")
			.update("""
					UPDATE orders SET total = total_cents / 100.0
					WHERE id > :from AND id <= :to AND total IS NULL""")
			.rollback("UPDATE orders SET total = NULL WHERE id > :from AND id <= :to")
			.verify("""
					SELECT id, 'total is ' || total || ', expected ' || total_cents / 100.0
					FROM orders WHERE id > :from AND id <= :to AND total <> total_cents / 100.0""")
			.removeOldPath(Duration.ofDays(7), "drop column orders.total_cents with the release after the contract")
			.build();
	}

	/**
	 * Fills {@code order_lines.amount_cents}, a table with a composite key
	 * {@code (order_id, line_no)}: the batches are ranges of key tuples, compared as row
	 * values.
	 * @return the declaration
	 */
	@Bean
	Backfill lineAmounts() {
		return Backfill.sql("line-amounts")
			.table("order_lines")
			.key("order_id", "line_no")
			.pending("amount_cents IS NULL")
			.update("""
					UPDATE order_lines SET amount_cents = quantity * unit_cents
					WHERE (order_id, line_no) > :from AND (order_id, line_no) <= :to AND amount_cents IS NULL""")
			.rollback("""
					UPDATE order_lines SET amount_cents = NULL
					WHERE (order_id, line_no) > :from AND (order_id, line_no) <= :to""")
			.verify("""
					SELECT order_id, line_no,
					       'amount_cents is ' || amount_cents || ', expected ' || quantity * unit_cents
					FROM order_lines WHERE (order_id, line_no) > :from AND (order_id, line_no) <= :to
					AND amount_cents <> quantity * unit_cents""")
			.batchSize(5_000)
			.build();
	}

	/**
	 * Fills {@code accounts.email_lower} in every tenant's schema, {@code tenant_*}: one
	 * declaration, one walk per schema. The statements name the table alone; each runs
	 * with its schema first on the search path.
	 * @return the declaration
	 */
	@Bean
	Backfill tenantEmails() {
		return Backfill.sql("tenant-emails")
			.table("accounts")
			.key("id")
			.schemas("tenant_*")
			.pending("email_lower IS NULL")
			.update("""
					UPDATE accounts SET email_lower = lower(email)
					WHERE id > :from AND id <= :to AND email_lower IS NULL""")
			.rollback("UPDATE accounts SET email_lower = NULL WHERE id > :from AND id <= :to")
			.verify("""
					SELECT id, 'email_lower is ' || email_lower FROM accounts
					WHERE id > :from AND id <= :to AND email_lower <> lower(email)""")
			.batchSize(5_000)
			.build();
	}

	/**
	 * Splits {@code full_name} into {@code first_name} and {@code last_name} in Java.
	 * @return the declaration
	 */
	@Bean
	Backfill splitNames() {
		return Backfill.java("split-names")
			.table("customers")
			.key("id")
			.pending("first_name IS NULL")
			.read("full_name")
			.write("first_name", "last_name")
			.process((row) -> {
				String[] parts = splitName(row.getString("full_name"));
				row.set("first_name", parts[0]).set("last_name", parts[1]);
			})
			.rollback("UPDATE customers SET first_name = NULL, last_name = NULL WHERE id > :from AND id <= :to")
			.verify((row) -> {
				String[] expected = splitName(row.getString("full_name"));
				boolean right = Objects.equals(expected[0], row.getString("first_name"))
						&& Objects.equals(expected[1], row.getString("last_name"));
				return right ? null : "first_name, last_name are " + row.getString("first_name") + ", "
						+ row.getString("last_name") + "; expected " + expected[0] + ", " + expected[1];
			})
			.build();
	}

	/**
	 * Fills {@code enrichment} with what an HTTP service answers for each row's id, one
	 * call per row: a backfill whose time goes in waiting, not in the database, which
	 * partitions ({@code --parallelism}, {@code --remote}) speed up. Registered only with
	 * {@code sample.enrich.enabled=true}; its column is not in {@code schema.sql}, so add
	 * it first: {@code ALTER TABLE customers ADD COLUMN enrichment text}.
	 * @param url the service, to which the row's id is appended
	 * ({@code sample.enrich.url}, default {@code http://127.0.0.1:8099/enrich?id=})
	 * @return the declaration
	 */
	@Bean
	@ConditionalOnBooleanProperty("sample.enrich.enabled")
	Backfill enrichCustomers(@Value("${sample.enrich.url:http://127.0.0.1:8099/enrich?id=}") String url) {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		return Backfill.java("enrich-customers")
			.table("customers")
			.key("id")
			.pending("enrichment IS NULL")
			.read("email")
			.write("enrichment")
			.process((row) -> row.set("enrichment", enrichment(http, url + row.key())))
			.rollback("UPDATE customers SET enrichment = NULL WHERE id > :from AND id <= :to")
			.build();
	}

	// the service's answer; anything but 200 fails the batch and the run
	private static String enrichment(HttpClient http, String uri) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build();
		try {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("enrichment service answered " + response.statusCode() + " for " + uri
						+ "; check sample.enrich.url");
			}
			return response.body().strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("enrichment service " + uri + " did not answer: " + ex.getMessage()
					+ "; start it or correct sample.enrich.url", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while calling " + uri, ex);
		}
	}

	/**
	 * Splits a full name on white space: the first word, and the rest joined by single
	 * spaces.
	 * @param fullName the name, with any spacing
	 * @return first name and last name ({@code null} when the name has one word)
	 */
	static @Nullable String[] splitName(@Nullable String fullName) {
		String[] words = (fullName == null) ? new String[0] : fullName.strip().split("\\s+");
		if (words.length == 0 || words[0].isEmpty()) {
			return new String[] { "", null };
		}
		String last = (words.length > 1) ? String.join(" ", Arrays.copyOfRange(words, 1, words.length)) : null;
		return new String[] { words[0], last };
	}

}
